/** The lease outcome errors come from the one error factory, with their lease in typed details. */
import { describe, expect, it } from 'vitest'
import { ErrorCode } from '../../src/error-codes.ts'
import { defineError } from '../../src/errors.ts'
import { LeaseEndedError, LeaseFailedError, LeaseUnconfirmedError } from '../../src/lease/errors.ts'
import { toErrorObject } from '../../src/rpc/errors.ts'

describe('lease outcome errors', () => {
  it.each([
    [LeaseUnconfirmedError, 'LeaseUnconfirmedError', 'CPNET_LEASE_UNCONFIRMED', -32011, 'pending'],
    [LeaseFailedError, 'LeaseFailedError', 'CPNET_LEASE_FAILED', -32012, 'failed'],
    [LeaseEndedError, 'LeaseEndedError', 'CPNET_LEASE_ENDED', -32013, 'released']
  ] as const)('%o: name, code and the lease in details, which the JSON-RPC error carries as data', (cls, name, code, rpcCode, status) => {
    const cause = new Error('underneath')
    const err = new cls(`lease L is ${status}`, { details: { leaseId: 'L', status }, cause })
    expect(err).toBeInstanceOf(Error)
    expect(cls.name).toBe(name)
    expect(cls.code).toBe(code)
    expect(err).toMatchObject({ name, code, message: `lease L is ${status}`, details: { leaseId: 'L', status }, cause })
    expect(toErrorObject(err)).toEqual({ code: rpcCode, message: `lease L is ${status}`, data: { name, leaseId: 'L', status } })
  })

  it('an error defined without details has none', () => {
    const Plain = defineError('PlainError', 'CPNET_PLAIN', ErrorCode.SERVER_ERROR)
    const err = new Plain('plain', { cause: 1 })
    expect(err).toMatchObject({ name: 'PlainError', code: 'CPNET_PLAIN', rpcCode: ErrorCode.SERVER_ERROR, cause: 1 })
    expect('details' in err).toBe(false)
  })
})
