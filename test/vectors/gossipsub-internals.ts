/**
 * @libp2p/gossipsub's own signing and message-id code, which its package
 * `exports` leave out: the test checks the price vectors' gossipsub message
 * with the very functions a js-libp2p node runs on receipt (StrictSign
 * validation, the default message id), not with a copy of them. A gossipsub
 * upgrade that moves these files fails here first, on purpose.
 */
export { SignPrefix, validateToRawMessage } from '../../node_modules/@libp2p/gossipsub/dist/src/utils/buildRawMessage.js'
export { msgIdFnStrictSign } from '../../node_modules/@libp2p/gossipsub/dist/src/utils/msgIdFn.js'
