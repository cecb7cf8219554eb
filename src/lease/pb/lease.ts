import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface Agreement {
  leaseId: string
  requestId: Uint8Array<ArrayBuffer>
  cpi: string
  consumer: string
  gpus: number
  microsPerGpuHour: bigint
  currency: string
  start: bigint
  end: bigint
  version: number
  accessHash: Uint8Array<ArrayBuffer>
}

export namespace Agreement {
  let _codec: Codec<Agreement>

  export const codec = (): Codec<Agreement> => {
    if (_codec == null) {
      _codec = message<Agreement>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.leaseId != null && obj.leaseId !== '')) {
          w.uint32(10)
          w.string(obj.leaseId)
        }

        if ((obj.requestId != null && obj.requestId.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.requestId)
        }

        if ((obj.cpi != null && obj.cpi !== '')) {
          w.uint32(26)
          w.string(obj.cpi)
        }

        if ((obj.consumer != null && obj.consumer !== '')) {
          w.uint32(34)
          w.string(obj.consumer)
        }

        if ((obj.gpus != null && obj.gpus !== 0)) {
          w.uint32(40)
          w.uint32(obj.gpus)
        }

        if ((obj.microsPerGpuHour != null && obj.microsPerGpuHour !== 0n)) {
          w.uint32(48)
          w.uint64(obj.microsPerGpuHour)
        }

        if ((obj.currency != null && obj.currency !== '')) {
          w.uint32(58)
          w.string(obj.currency)
        }

        if ((obj.start != null && obj.start !== 0n)) {
          w.uint32(64)
          w.uint64(obj.start)
        }

        if ((obj.end != null && obj.end !== 0n)) {
          w.uint32(72)
          w.uint64(obj.end)
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(80)
          w.uint32(obj.version)
        }

        if ((obj.accessHash != null && obj.accessHash.byteLength > 0)) {
          w.uint32(90)
          w.bytes(obj.accessHash)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          leaseId: '',
          requestId: uint8ArrayAlloc(0),
          cpi: '',
          consumer: '',
          gpus: 0,
          microsPerGpuHour: 0n,
          currency: '',
          start: 0n,
          end: 0n,
          version: 0,
          accessHash: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.leaseId = reader.string()
              break
            }
            case 2: {
              obj.requestId = reader.bytes()
              break
            }
            case 3: {
              obj.cpi = reader.string()
              break
            }
            case 4: {
              obj.consumer = reader.string()
              break
            }
            case 5: {
              obj.gpus = reader.uint32()
              break
            }
            case 6: {
              obj.microsPerGpuHour = reader.uint64()
              break
            }
            case 7: {
              obj.currency = reader.string()
              break
            }
            case 8: {
              obj.start = reader.uint64()
              break
            }
            case 9: {
              obj.end = reader.uint64()
              break
            }
            case 10: {
              obj.version = reader.uint32()
              break
            }
            case 11: {
              obj.accessHash = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.leaseId`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.requestId`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.cpi`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.consumer`,
                value: reader.string()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.gpus`,
                value: reader.uint32()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.microsPerGpuHour`,
                value: reader.uint64()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.currency`,
                value: reader.string()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.start`,
                value: reader.uint64()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.end`,
                value: reader.uint64()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint32()
              }
              break
            }
            case 11: {
              yield {
                field: `${prefix}.accessHash`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface AgreementLeaseIdFieldEvent {
    field: '$.leaseId'
    value: string
  }

  export interface AgreementRequestIdFieldEvent {
    field: '$.requestId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AgreementCpiFieldEvent {
    field: '$.cpi'
    value: string
  }

  export interface AgreementConsumerFieldEvent {
    field: '$.consumer'
    value: string
  }

  export interface AgreementGpusFieldEvent {
    field: '$.gpus'
    value: number
  }

  export interface AgreementMicrosPerGpuHourFieldEvent {
    field: '$.microsPerGpuHour'
    value: bigint
  }

  export interface AgreementCurrencyFieldEvent {
    field: '$.currency'
    value: string
  }

  export interface AgreementStartFieldEvent {
    field: '$.start'
    value: bigint
  }

  export interface AgreementEndFieldEvent {
    field: '$.end'
    value: bigint
  }

  export interface AgreementVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface AgreementAccessHashFieldEvent {
    field: '$.accessHash'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Agreement>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Agreement.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Agreement>): Agreement {
    return decodeMessage(buf, Agreement.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Agreement>): Generator<AgreementLeaseIdFieldEvent | AgreementRequestIdFieldEvent | AgreementCpiFieldEvent | AgreementConsumerFieldEvent | AgreementGpusFieldEvent | AgreementMicrosPerGpuHourFieldEvent | AgreementCurrencyFieldEvent | AgreementStartFieldEvent | AgreementEndFieldEvent | AgreementVersionFieldEvent | AgreementAccessHashFieldEvent> {
    return streamMessage(buf, Agreement.codec(), opts)
  }
}

export interface SignedLease {
  agreement: Uint8Array<ArrayBuffer>
  providerSignature: Uint8Array<ArrayBuffer>
  consumerSignature: Uint8Array<ArrayBuffer>
}

export namespace SignedLease {
  let _codec: Codec<SignedLease>

  export const codec = (): Codec<SignedLease> => {
    if (_codec == null) {
      _codec = message<SignedLease>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.agreement != null && obj.agreement.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.agreement)
        }

        if ((obj.providerSignature != null && obj.providerSignature.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.providerSignature)
        }

        if ((obj.consumerSignature != null && obj.consumerSignature.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.consumerSignature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          agreement: uint8ArrayAlloc(0),
          providerSignature: uint8ArrayAlloc(0),
          consumerSignature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.agreement = reader.bytes()
              break
            }
            case 2: {
              obj.providerSignature = reader.bytes()
              break
            }
            case 3: {
              obj.consumerSignature = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.agreement`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.providerSignature`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.consumerSignature`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface SignedLeaseAgreementFieldEvent {
    field: '$.agreement'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedLeaseProviderSignatureFieldEvent {
    field: '$.providerSignature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedLeaseConsumerSignatureFieldEvent {
    field: '$.consumerSignature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SignedLease>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SignedLease.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedLease>): SignedLease {
    return decodeMessage(buf, SignedLease.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedLease>): Generator<SignedLeaseAgreementFieldEvent | SignedLeaseProviderSignatureFieldEvent | SignedLeaseConsumerSignatureFieldEvent> {
    return streamMessage(buf, SignedLease.codec(), opts)
  }
}

export interface LeaseRequest {
  requestId: Uint8Array<ArrayBuffer>
  cpi: string
  gpus: number
  durationSec: number
  maxMicrosPerGpuHour: bigint
  currency: string
  validUntil: bigint
  access: Uint8Array<ArrayBuffer>
}

export namespace LeaseRequest {
  let _codec: Codec<LeaseRequest>

  export const codec = (): Codec<LeaseRequest> => {
    if (_codec == null) {
      _codec = message<LeaseRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.requestId != null && obj.requestId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.requestId)
        }

        if ((obj.cpi != null && obj.cpi !== '')) {
          w.uint32(18)
          w.string(obj.cpi)
        }

        if ((obj.gpus != null && obj.gpus !== 0)) {
          w.uint32(24)
          w.uint32(obj.gpus)
        }

        if ((obj.durationSec != null && obj.durationSec !== 0)) {
          w.uint32(32)
          w.uint32(obj.durationSec)
        }

        if ((obj.maxMicrosPerGpuHour != null && obj.maxMicrosPerGpuHour !== 0n)) {
          w.uint32(40)
          w.uint64(obj.maxMicrosPerGpuHour)
        }

        if ((obj.currency != null && obj.currency !== '')) {
          w.uint32(50)
          w.string(obj.currency)
        }

        if ((obj.validUntil != null && obj.validUntil !== 0n)) {
          w.uint32(56)
          w.uint64(obj.validUntil)
        }

        if ((obj.access != null && obj.access.byteLength > 0)) {
          w.uint32(66)
          w.bytes(obj.access)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          requestId: uint8ArrayAlloc(0),
          cpi: '',
          gpus: 0,
          durationSec: 0,
          maxMicrosPerGpuHour: 0n,
          currency: '',
          validUntil: 0n,
          access: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.requestId = reader.bytes()
              break
            }
            case 2: {
              obj.cpi = reader.string()
              break
            }
            case 3: {
              obj.gpus = reader.uint32()
              break
            }
            case 4: {
              obj.durationSec = reader.uint32()
              break
            }
            case 5: {
              obj.maxMicrosPerGpuHour = reader.uint64()
              break
            }
            case 6: {
              obj.currency = reader.string()
              break
            }
            case 7: {
              obj.validUntil = reader.uint64()
              break
            }
            case 8: {
              obj.access = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.requestId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.cpi`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.gpus`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.durationSec`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.maxMicrosPerGpuHour`,
                value: reader.uint64()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.currency`,
                value: reader.string()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.validUntil`,
                value: reader.uint64()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.access`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface LeaseRequestRequestIdFieldEvent {
    field: '$.requestId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LeaseRequestCpiFieldEvent {
    field: '$.cpi'
    value: string
  }

  export interface LeaseRequestGpusFieldEvent {
    field: '$.gpus'
    value: number
  }

  export interface LeaseRequestDurationSecFieldEvent {
    field: '$.durationSec'
    value: number
  }

  export interface LeaseRequestMaxMicrosPerGpuHourFieldEvent {
    field: '$.maxMicrosPerGpuHour'
    value: bigint
  }

  export interface LeaseRequestCurrencyFieldEvent {
    field: '$.currency'
    value: string
  }

  export interface LeaseRequestValidUntilFieldEvent {
    field: '$.validUntil'
    value: bigint
  }

  export interface LeaseRequestAccessFieldEvent {
    field: '$.access'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<LeaseRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, LeaseRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LeaseRequest>): LeaseRequest {
    return decodeMessage(buf, LeaseRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LeaseRequest>): Generator<LeaseRequestRequestIdFieldEvent | LeaseRequestCpiFieldEvent | LeaseRequestGpusFieldEvent | LeaseRequestDurationSecFieldEvent | LeaseRequestMaxMicrosPerGpuHourFieldEvent | LeaseRequestCurrencyFieldEvent | LeaseRequestValidUntilFieldEvent | LeaseRequestAccessFieldEvent> {
    return streamMessage(buf, LeaseRequest.codec(), opts)
  }
}

export interface AccessRequest {
  sshKeys: string[]
  image: string
  command: string[]
  env: EnvVar[]
}

export namespace AccessRequest {
  let _codec: Codec<AccessRequest>

  export const codec = (): Codec<AccessRequest> => {
    if (_codec == null) {
      _codec = message<AccessRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.sshKeys != null && obj.sshKeys.length > 0) {
          for (const value of obj.sshKeys) {
            w.uint32(10)
            w.string(value)
          }
        }

        if ((obj.image != null && obj.image !== '')) {
          w.uint32(18)
          w.string(obj.image)
        }

        if (obj.command != null && obj.command.length > 0) {
          for (const value of obj.command) {
            w.uint32(26)
            w.string(value)
          }
        }

        if (obj.env != null && obj.env.length > 0) {
          for (const value of obj.env) {
            w.uint32(34)
            EnvVar.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          sshKeys: [],
          image: '',
          command: [],
          env: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.sshKeys != null && obj.sshKeys.length === opts.limits.sshKeys) {
                throw new MaxLengthError('Decode error - repeated field "sshKeys" had too many elements')
              }

              obj.sshKeys.push(reader.string())
              break
            }
            case 2: {
              obj.image = reader.string()
              break
            }
            case 3: {
              if (opts.limits?.command != null && obj.command.length === opts.limits.command) {
                throw new MaxLengthError('Decode error - repeated field "command" had too many elements')
              }

              obj.command.push(reader.string())
              break
            }
            case 4: {
              if (opts.limits?.env != null && obj.env.length === opts.limits.env) {
                throw new MaxLengthError('Decode error - repeated field "env" had too many elements')
              }

              obj.env.push(EnvVar.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.env$
              }))
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          sshKeys: 0,
          command: 0,
          env: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.sshKeys != null && obj.sshKeys === opts.limits.sshKeys) {
                throw new MaxLengthError('Streaming decode error - repeated field "sshKeys" had too many elements')
              }

              yield {
                field: `${prefix}.sshKeys[]`,
                index: obj.sshKeys,
                value: reader.string()
              }

              obj.sshKeys++

              break
            }
            case 2: {
              yield {
                field: `${prefix}.image`,
                value: reader.string()
              }
              break
            }
            case 3: {
              if (opts.limits?.command != null && obj.command === opts.limits.command) {
                throw new MaxLengthError('Streaming decode error - repeated field "command" had too many elements')
              }

              yield {
                field: `${prefix}.command[]`,
                index: obj.command,
                value: reader.string()
              }

              obj.command++

              break
            }
            case 4: {
              if (opts.limits?.env != null && obj.env === opts.limits.env) {
                throw new MaxLengthError('Streaming decode error - repeated field "env" had too many elements')
              }

              for (const evt of EnvVar.codec().stream(reader, reader.uint32(), `${prefix}.env[]`, {
                limits: opts.limits?.env$
              })) {
                yield {
                  ...evt,
                  index: obj.env
                }
              }

              obj.env++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface AccessRequestSshKeysFieldEvent {
    field: '$.sshKeys[]'
    index: number
    value: string
  }

  export interface AccessRequestImageFieldEvent {
    field: '$.image'
    value: string
  }

  export interface AccessRequestCommandFieldEvent {
    field: '$.command[]'
    index: number
    value: string
  }

  export interface AccessRequestEnvNameFieldEvent {
    field: '$.env[].name'
    value: string
    index: number
  }

  export interface AccessRequestEnvValueFieldEvent {
    field: '$.env[].value'
    value: string
    index: number
  }

  export function encode (obj: Partial<AccessRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AccessRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AccessRequest>): AccessRequest {
    return decodeMessage(buf, AccessRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AccessRequest>): Generator<AccessRequestSshKeysFieldEvent | AccessRequestImageFieldEvent | AccessRequestCommandFieldEvent | AccessRequestEnvNameFieldEvent | AccessRequestEnvValueFieldEvent> {
    return streamMessage(buf, AccessRequest.codec(), opts)
  }
}

export interface EnvVar {
  name: string
  value: string
}

export namespace EnvVar {
  let _codec: Codec<EnvVar>

  export const codec = (): Codec<EnvVar> => {
    if (_codec == null) {
      _codec = message<EnvVar>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(10)
          w.string(obj.name)
        }

        if ((obj.value != null && obj.value !== '')) {
          w.uint32(18)
          w.string(obj.value)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          name: '',
          value: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.name = reader.string()
              break
            }
            case 2: {
              obj.value = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.value`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface EnvVarNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface EnvVarValueFieldEvent {
    field: '$.value'
    value: string
  }

  export function encode (obj: Partial<EnvVar>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, EnvVar.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<EnvVar>): EnvVar {
    return decodeMessage(buf, EnvVar.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<EnvVar>): Generator<EnvVarNameFieldEvent | EnvVarValueFieldEvent> {
    return streamMessage(buf, EnvVar.codec(), opts)
  }
}

export interface Quote {
  agreement: Uint8Array<ArrayBuffer>
  providerSignature: Uint8Array<ArrayBuffer>
  expiresAt: bigint
  round: number
}

export namespace Quote {
  let _codec: Codec<Quote>

  export const codec = (): Codec<Quote> => {
    if (_codec == null) {
      _codec = message<Quote>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.agreement != null && obj.agreement.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.agreement)
        }

        if ((obj.providerSignature != null && obj.providerSignature.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.providerSignature)
        }

        if ((obj.expiresAt != null && obj.expiresAt !== 0n)) {
          w.uint32(24)
          w.uint64(obj.expiresAt)
        }

        if ((obj.round != null && obj.round !== 0)) {
          w.uint32(32)
          w.uint32(obj.round)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          agreement: uint8ArrayAlloc(0),
          providerSignature: uint8ArrayAlloc(0),
          expiresAt: 0n,
          round: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.agreement = reader.bytes()
              break
            }
            case 2: {
              obj.providerSignature = reader.bytes()
              break
            }
            case 3: {
              obj.expiresAt = reader.uint64()
              break
            }
            case 4: {
              obj.round = reader.uint32()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.agreement`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.providerSignature`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.expiresAt`,
                value: reader.uint64()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.round`,
                value: reader.uint32()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface QuoteAgreementFieldEvent {
    field: '$.agreement'
    value: Uint8Array<ArrayBuffer>
  }

  export interface QuoteProviderSignatureFieldEvent {
    field: '$.providerSignature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface QuoteExpiresAtFieldEvent {
    field: '$.expiresAt'
    value: bigint
  }

  export interface QuoteRoundFieldEvent {
    field: '$.round'
    value: number
  }

  export function encode (obj: Partial<Quote>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Quote.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Quote>): Quote {
    return decodeMessage(buf, Quote.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Quote>): Generator<QuoteAgreementFieldEvent | QuoteProviderSignatureFieldEvent | QuoteExpiresAtFieldEvent | QuoteRoundFieldEvent> {
    return streamMessage(buf, Quote.codec(), opts)
  }
}

export interface Counter {
  microsPerGpuHour: bigint
}

export namespace Counter {
  let _codec: Codec<Counter>

  export const codec = (): Codec<Counter> => {
    if (_codec == null) {
      _codec = message<Counter>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.microsPerGpuHour != null && obj.microsPerGpuHour !== 0n)) {
          w.uint32(8)
          w.uint64(obj.microsPerGpuHour)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          microsPerGpuHour: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.microsPerGpuHour = reader.uint64()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.microsPerGpuHour`,
                value: reader.uint64()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface CounterMicrosPerGpuHourFieldEvent {
    field: '$.microsPerGpuHour'
    value: bigint
  }

  export function encode (obj: Partial<Counter>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Counter.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Counter>): Counter {
    return decodeMessage(buf, Counter.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Counter>): Generator<CounterMicrosPerGpuHourFieldEvent> {
    return streamMessage(buf, Counter.codec(), opts)
  }
}

export interface Accept {
  agreementHash: Uint8Array<ArrayBuffer>
  consumerSignature: Uint8Array<ArrayBuffer>
}

export namespace Accept {
  let _codec: Codec<Accept>

  export const codec = (): Codec<Accept> => {
    if (_codec == null) {
      _codec = message<Accept>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.agreementHash != null && obj.agreementHash.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.agreementHash)
        }

        if ((obj.consumerSignature != null && obj.consumerSignature.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.consumerSignature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          agreementHash: uint8ArrayAlloc(0),
          consumerSignature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.agreementHash = reader.bytes()
              break
            }
            case 2: {
              obj.consumerSignature = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.agreementHash`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.consumerSignature`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface AcceptAgreementHashFieldEvent {
    field: '$.agreementHash'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AcceptConsumerSignatureFieldEvent {
    field: '$.consumerSignature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Accept>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Accept.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Accept>): Accept {
    return decodeMessage(buf, Accept.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Accept>): Generator<AcceptAgreementHashFieldEvent | AcceptConsumerSignatureFieldEvent> {
    return streamMessage(buf, Accept.codec(), opts)
  }
}

export interface Grant {
  lease?: SignedLease
  access: string
}

export namespace Grant {
  let _codec: Codec<Grant>

  export const codec = (): Codec<Grant> => {
    if (_codec == null) {
      _codec = message<Grant>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.lease != null) {
          w.uint32(10)
          SignedLease.codec().encode(obj.lease, w)
        }

        if ((obj.access != null && obj.access !== '')) {
          w.uint32(18)
          w.string(obj.access)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          access: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.lease = SignedLease.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.lease
              })
              break
            }
            case 2: {
              obj.access = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * SignedLease.codec().stream(reader, reader.uint32(), `${prefix}.lease`, {
                limits: opts.limits?.lease
              })

              break
            }
            case 2: {
              yield {
                field: `${prefix}.access`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface GrantLeaseAgreementFieldEvent {
    field: '$.lease.agreement'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GrantLeaseProviderSignatureFieldEvent {
    field: '$.lease.providerSignature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GrantLeaseConsumerSignatureFieldEvent {
    field: '$.lease.consumerSignature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GrantAccessFieldEvent {
    field: '$.access'
    value: string
  }

  export function encode (obj: Partial<Grant>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Grant.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Grant>): Grant {
    return decodeMessage(buf, Grant.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Grant>): Generator<GrantLeaseAgreementFieldEvent | GrantLeaseProviderSignatureFieldEvent | GrantLeaseConsumerSignatureFieldEvent | GrantAccessFieldEvent> {
    return streamMessage(buf, Grant.codec(), opts)
  }
}

export enum RejectCode {
  REJECT_UNSPECIFIED = 'REJECT_UNSPECIFIED',
  NO_CAPACITY = 'NO_CAPACITY',
  PRICE = 'PRICE',
  DURATION = 'DURATION',
  UNKNOWN_POOL = 'UNKNOWN_POOL',
  INVALID = 'INVALID',
  BUSY = 'BUSY',
  EXPIRED = 'EXPIRED',
  NOT_FOUND = 'NOT_FOUND',
  START_FAILED = 'START_FAILED',
  INTERNAL = 'INTERNAL',
  POLICY = 'POLICY'
}

enum __RejectCodeValues {
  REJECT_UNSPECIFIED = 0,
  NO_CAPACITY = 1,
  PRICE = 2,
  DURATION = 3,
  UNKNOWN_POOL = 4,
  INVALID = 5,
  BUSY = 6,
  EXPIRED = 7,
  NOT_FOUND = 8,
  START_FAILED = 9,
  INTERNAL = 10,
  POLICY = 11
}

export namespace RejectCode {
  export const codec = (): Codec<RejectCode> => {
    return enumeration<RejectCode>(__RejectCodeValues)
  }
}

export interface Reject {
  code: RejectCode
  message: string
}

export namespace Reject {
  let _codec: Codec<Reject>

  export const codec = (): Codec<Reject> => {
    if (_codec == null) {
      _codec = message<Reject>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.code != null && __RejectCodeValues[obj.code] !== 0) {
          w.uint32(8)
          RejectCode.codec().encode(obj.code, w)
        }

        if ((obj.message != null && obj.message !== '')) {
          w.uint32(18)
          w.string(obj.message)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          code: RejectCode.REJECT_UNSPECIFIED,
          message: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.code = RejectCode.codec().decode(reader)
              break
            }
            case 2: {
              obj.message = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.code`,
                value: RejectCode.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.message`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface RejectCodeFieldEvent {
    field: '$.code'
    value: RejectCode
  }

  export interface RejectMessageFieldEvent {
    field: '$.message'
    value: string
  }

  export function encode (obj: Partial<Reject>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Reject.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Reject>): Reject {
    return decodeMessage(buf, Reject.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Reject>): Generator<RejectCodeFieldEvent | RejectMessageFieldEvent> {
    return streamMessage(buf, Reject.codec(), opts)
  }
}

export interface Renew {
  agreement: Uint8Array<ArrayBuffer>
  consumerSignature: Uint8Array<ArrayBuffer>
}

export namespace Renew {
  let _codec: Codec<Renew>

  export const codec = (): Codec<Renew> => {
    if (_codec == null) {
      _codec = message<Renew>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.agreement != null && obj.agreement.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.agreement)
        }

        if ((obj.consumerSignature != null && obj.consumerSignature.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.consumerSignature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          agreement: uint8ArrayAlloc(0),
          consumerSignature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.agreement = reader.bytes()
              break
            }
            case 2: {
              obj.consumerSignature = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.agreement`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.consumerSignature`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface RenewAgreementFieldEvent {
    field: '$.agreement'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RenewConsumerSignatureFieldEvent {
    field: '$.consumerSignature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Renew>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Renew.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Renew>): Renew {
    return decodeMessage(buf, Renew.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Renew>): Generator<RenewAgreementFieldEvent | RenewConsumerSignatureFieldEvent> {
    return streamMessage(buf, Renew.codec(), opts)
  }
}

export interface Release {
  leaseId: string
  consumerSignature: Uint8Array<ArrayBuffer>
}

export namespace Release {
  let _codec: Codec<Release>

  export const codec = (): Codec<Release> => {
    if (_codec == null) {
      _codec = message<Release>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.leaseId != null && obj.leaseId !== '')) {
          w.uint32(10)
          w.string(obj.leaseId)
        }

        if ((obj.consumerSignature != null && obj.consumerSignature.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.consumerSignature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          leaseId: '',
          consumerSignature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.leaseId = reader.string()
              break
            }
            case 2: {
              obj.consumerSignature = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.leaseId`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.consumerSignature`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ReleaseLeaseIdFieldEvent {
    field: '$.leaseId'
    value: string
  }

  export interface ReleaseConsumerSignatureFieldEvent {
    field: '$.consumerSignature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Release>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Release.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Release>): Release {
    return decodeMessage(buf, Release.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Release>): Generator<ReleaseLeaseIdFieldEvent | ReleaseConsumerSignatureFieldEvent> {
    return streamMessage(buf, Release.codec(), opts)
  }
}

export interface Query {
  requestId: Uint8Array<ArrayBuffer>
}

export namespace Query {
  let _codec: Codec<Query>

  export const codec = (): Codec<Query> => {
    if (_codec == null) {
      _codec = message<Query>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.requestId != null && obj.requestId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.requestId)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          requestId: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.requestId = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.requestId`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface QueryRequestIdFieldEvent {
    field: '$.requestId'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Query>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Query.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Query>): Query {
    return decodeMessage(buf, Query.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Query>): Generator<QueryRequestIdFieldEvent> {
    return streamMessage(buf, Query.codec(), opts)
  }
}

export interface Ended {
  lease?: SignedLease
  status: string
  endedAt: bigint
}

export namespace Ended {
  let _codec: Codec<Ended>

  export const codec = (): Codec<Ended> => {
    if (_codec == null) {
      _codec = message<Ended>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.lease != null) {
          w.uint32(10)
          SignedLease.codec().encode(obj.lease, w)
        }

        if ((obj.status != null && obj.status !== '')) {
          w.uint32(18)
          w.string(obj.status)
        }

        if ((obj.endedAt != null && obj.endedAt !== 0n)) {
          w.uint32(24)
          w.uint64(obj.endedAt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          status: '',
          endedAt: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.lease = SignedLease.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.lease
              })
              break
            }
            case 2: {
              obj.status = reader.string()
              break
            }
            case 3: {
              obj.endedAt = reader.uint64()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * SignedLease.codec().stream(reader, reader.uint32(), `${prefix}.lease`, {
                limits: opts.limits?.lease
              })

              break
            }
            case 2: {
              yield {
                field: `${prefix}.status`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.endedAt`,
                value: reader.uint64()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface EndedLeaseAgreementFieldEvent {
    field: '$.lease.agreement'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EndedLeaseProviderSignatureFieldEvent {
    field: '$.lease.providerSignature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EndedLeaseConsumerSignatureFieldEvent {
    field: '$.lease.consumerSignature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EndedStatusFieldEvent {
    field: '$.status'
    value: string
  }

  export interface EndedEndedAtFieldEvent {
    field: '$.endedAt'
    value: bigint
  }

  export function encode (obj: Partial<Ended>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Ended.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Ended>): Ended {
    return decodeMessage(buf, Ended.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Ended>): Generator<EndedLeaseAgreementFieldEvent | EndedLeaseProviderSignatureFieldEvent | EndedLeaseConsumerSignatureFieldEvent | EndedStatusFieldEvent | EndedEndedAtFieldEvent> {
    return streamMessage(buf, Ended.codec(), opts)
  }
}

export interface LeaseMessage {
  request?: LeaseRequest
  quote?: Quote
  counter?: Counter
  accept?: Accept
  grant?: Grant
  reject?: Reject
  renew?: Renew
  release?: Release
  query?: Query
  ended?: Ended
}

export namespace LeaseMessage {
  let _codec: Codec<LeaseMessage>

  export const codec = (): Codec<LeaseMessage> => {
    if (_codec == null) {
      _codec = message<LeaseMessage>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        obj = { ...obj }

        if (obj.ended != null) {
          obj.query = undefined
          obj.release = undefined
          obj.renew = undefined
          obj.reject = undefined
          obj.grant = undefined
          obj.accept = undefined
          obj.counter = undefined
          obj.quote = undefined
          obj.request = undefined
        }

        if (obj.query != null) {
          obj.ended = undefined
          obj.release = undefined
          obj.renew = undefined
          obj.reject = undefined
          obj.grant = undefined
          obj.accept = undefined
          obj.counter = undefined
          obj.quote = undefined
          obj.request = undefined
        }

        if (obj.release != null) {
          obj.ended = undefined
          obj.query = undefined
          obj.renew = undefined
          obj.reject = undefined
          obj.grant = undefined
          obj.accept = undefined
          obj.counter = undefined
          obj.quote = undefined
          obj.request = undefined
        }

        if (obj.renew != null) {
          obj.ended = undefined
          obj.query = undefined
          obj.release = undefined
          obj.reject = undefined
          obj.grant = undefined
          obj.accept = undefined
          obj.counter = undefined
          obj.quote = undefined
          obj.request = undefined
        }

        if (obj.reject != null) {
          obj.ended = undefined
          obj.query = undefined
          obj.release = undefined
          obj.renew = undefined
          obj.grant = undefined
          obj.accept = undefined
          obj.counter = undefined
          obj.quote = undefined
          obj.request = undefined
        }

        if (obj.grant != null) {
          obj.ended = undefined
          obj.query = undefined
          obj.release = undefined
          obj.renew = undefined
          obj.reject = undefined
          obj.accept = undefined
          obj.counter = undefined
          obj.quote = undefined
          obj.request = undefined
        }

        if (obj.accept != null) {
          obj.ended = undefined
          obj.query = undefined
          obj.release = undefined
          obj.renew = undefined
          obj.reject = undefined
          obj.grant = undefined
          obj.counter = undefined
          obj.quote = undefined
          obj.request = undefined
        }

        if (obj.counter != null) {
          obj.ended = undefined
          obj.query = undefined
          obj.release = undefined
          obj.renew = undefined
          obj.reject = undefined
          obj.grant = undefined
          obj.accept = undefined
          obj.quote = undefined
          obj.request = undefined
        }

        if (obj.quote != null) {
          obj.ended = undefined
          obj.query = undefined
          obj.release = undefined
          obj.renew = undefined
          obj.reject = undefined
          obj.grant = undefined
          obj.accept = undefined
          obj.counter = undefined
          obj.request = undefined
        }

        if (obj.request != null) {
          obj.ended = undefined
          obj.query = undefined
          obj.release = undefined
          obj.renew = undefined
          obj.reject = undefined
          obj.grant = undefined
          obj.accept = undefined
          obj.counter = undefined
          obj.quote = undefined
        }

        if (obj.request != null) {
          w.uint32(10)
          LeaseRequest.codec().encode(obj.request, w)
        }

        if (obj.quote != null) {
          w.uint32(18)
          Quote.codec().encode(obj.quote, w)
        }

        if (obj.counter != null) {
          w.uint32(26)
          Counter.codec().encode(obj.counter, w)
        }

        if (obj.accept != null) {
          w.uint32(34)
          Accept.codec().encode(obj.accept, w)
        }

        if (obj.grant != null) {
          w.uint32(42)
          Grant.codec().encode(obj.grant, w)
        }

        if (obj.reject != null) {
          w.uint32(50)
          Reject.codec().encode(obj.reject, w)
        }

        if (obj.renew != null) {
          w.uint32(58)
          Renew.codec().encode(obj.renew, w)
        }

        if (obj.release != null) {
          w.uint32(66)
          Release.codec().encode(obj.release, w)
        }

        if (obj.query != null) {
          w.uint32(74)
          Query.codec().encode(obj.query, w)
        }

        if (obj.ended != null) {
          w.uint32(82)
          Ended.codec().encode(obj.ended, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.request = LeaseRequest.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.request
              })
              break
            }
            case 2: {
              obj.quote = Quote.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.quote
              })
              break
            }
            case 3: {
              obj.counter = Counter.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.counter
              })
              break
            }
            case 4: {
              obj.accept = Accept.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.accept
              })
              break
            }
            case 5: {
              obj.grant = Grant.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.grant
              })
              break
            }
            case 6: {
              obj.reject = Reject.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.reject
              })
              break
            }
            case 7: {
              obj.renew = Renew.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.renew
              })
              break
            }
            case 8: {
              obj.release = Release.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.release
              })
              break
            }
            case 9: {
              obj.query = Query.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.query
              })
              break
            }
            case 10: {
              obj.ended = Ended.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.ended
              })
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        if (obj.ended != null) {
          delete obj.query
          delete obj.release
          delete obj.renew
          delete obj.reject
          delete obj.grant
          delete obj.accept
          delete obj.counter
          delete obj.quote
          delete obj.request
        }

        if (obj.query != null) {
          delete obj.ended
          delete obj.release
          delete obj.renew
          delete obj.reject
          delete obj.grant
          delete obj.accept
          delete obj.counter
          delete obj.quote
          delete obj.request
        }

        if (obj.release != null) {
          delete obj.ended
          delete obj.query
          delete obj.renew
          delete obj.reject
          delete obj.grant
          delete obj.accept
          delete obj.counter
          delete obj.quote
          delete obj.request
        }

        if (obj.renew != null) {
          delete obj.ended
          delete obj.query
          delete obj.release
          delete obj.reject
          delete obj.grant
          delete obj.accept
          delete obj.counter
          delete obj.quote
          delete obj.request
        }

        if (obj.reject != null) {
          delete obj.ended
          delete obj.query
          delete obj.release
          delete obj.renew
          delete obj.grant
          delete obj.accept
          delete obj.counter
          delete obj.quote
          delete obj.request
        }

        if (obj.grant != null) {
          delete obj.ended
          delete obj.query
          delete obj.release
          delete obj.renew
          delete obj.reject
          delete obj.accept
          delete obj.counter
          delete obj.quote
          delete obj.request
        }

        if (obj.accept != null) {
          delete obj.ended
          delete obj.query
          delete obj.release
          delete obj.renew
          delete obj.reject
          delete obj.grant
          delete obj.counter
          delete obj.quote
          delete obj.request
        }

        if (obj.counter != null) {
          delete obj.ended
          delete obj.query
          delete obj.release
          delete obj.renew
          delete obj.reject
          delete obj.grant
          delete obj.accept
          delete obj.quote
          delete obj.request
        }

        if (obj.quote != null) {
          delete obj.ended
          delete obj.query
          delete obj.release
          delete obj.renew
          delete obj.reject
          delete obj.grant
          delete obj.accept
          delete obj.counter
          delete obj.request
        }

        if (obj.request != null) {
          delete obj.ended
          delete obj.query
          delete obj.release
          delete obj.renew
          delete obj.reject
          delete obj.grant
          delete obj.accept
          delete obj.counter
          delete obj.quote
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * LeaseRequest.codec().stream(reader, reader.uint32(), `${prefix}.request`, {
                limits: opts.limits?.request
              })

              break
            }
            case 2: {
              yield * Quote.codec().stream(reader, reader.uint32(), `${prefix}.quote`, {
                limits: opts.limits?.quote
              })

              break
            }
            case 3: {
              yield * Counter.codec().stream(reader, reader.uint32(), `${prefix}.counter`, {
                limits: opts.limits?.counter
              })

              break
            }
            case 4: {
              yield * Accept.codec().stream(reader, reader.uint32(), `${prefix}.accept`, {
                limits: opts.limits?.accept
              })

              break
            }
            case 5: {
              yield * Grant.codec().stream(reader, reader.uint32(), `${prefix}.grant`, {
                limits: opts.limits?.grant
              })

              break
            }
            case 6: {
              yield * Reject.codec().stream(reader, reader.uint32(), `${prefix}.reject`, {
                limits: opts.limits?.reject
              })

              break
            }
            case 7: {
              yield * Renew.codec().stream(reader, reader.uint32(), `${prefix}.renew`, {
                limits: opts.limits?.renew
              })

              break
            }
            case 8: {
              yield * Release.codec().stream(reader, reader.uint32(), `${prefix}.release`, {
                limits: opts.limits?.release
              })

              break
            }
            case 9: {
              yield * Query.codec().stream(reader, reader.uint32(), `${prefix}.query`, {
                limits: opts.limits?.query
              })

              break
            }
            case 10: {
              yield * Ended.codec().stream(reader, reader.uint32(), `${prefix}.ended`, {
                limits: opts.limits?.ended
              })

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface LeaseMessageRequestRequestIdFieldEvent {
    field: '$.request.requestId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LeaseMessageRequestCpiFieldEvent {
    field: '$.request.cpi'
    value: string
  }

  export interface LeaseMessageRequestGpusFieldEvent {
    field: '$.request.gpus'
    value: number
  }

  export interface LeaseMessageRequestDurationSecFieldEvent {
    field: '$.request.durationSec'
    value: number
  }

  export interface LeaseMessageRequestMaxMicrosPerGpuHourFieldEvent {
    field: '$.request.maxMicrosPerGpuHour'
    value: bigint
  }

  export interface LeaseMessageRequestCurrencyFieldEvent {
    field: '$.request.currency'
    value: string
  }

  export interface LeaseMessageRequestValidUntilFieldEvent {
    field: '$.request.validUntil'
    value: bigint
  }

  export interface LeaseMessageRequestAccessFieldEvent {
    field: '$.request.access'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LeaseMessageQuoteAgreementFieldEvent {
    field: '$.quote.agreement'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LeaseMessageQuoteProviderSignatureFieldEvent {
    field: '$.quote.providerSignature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LeaseMessageQuoteExpiresAtFieldEvent {
    field: '$.quote.expiresAt'
    value: bigint
  }

  export interface LeaseMessageQuoteRoundFieldEvent {
    field: '$.quote.round'
    value: number
  }

  export interface LeaseMessageCounterMicrosPerGpuHourFieldEvent {
    field: '$.counter.microsPerGpuHour'
    value: bigint
  }

  export interface LeaseMessageAcceptAgreementHashFieldEvent {
    field: '$.accept.agreementHash'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LeaseMessageAcceptConsumerSignatureFieldEvent {
    field: '$.accept.consumerSignature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LeaseMessageGrantLeaseAgreementFieldEvent {
    field: '$.grant.lease.agreement'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LeaseMessageGrantLeaseProviderSignatureFieldEvent {
    field: '$.grant.lease.providerSignature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LeaseMessageGrantLeaseConsumerSignatureFieldEvent {
    field: '$.grant.lease.consumerSignature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LeaseMessageGrantAccessFieldEvent {
    field: '$.grant.access'
    value: string
  }

  export interface LeaseMessageRejectCodeFieldEvent {
    field: '$.reject.code'
    value: RejectCode
  }

  export interface LeaseMessageRejectMessageFieldEvent {
    field: '$.reject.message'
    value: string
  }

  export interface LeaseMessageRenewAgreementFieldEvent {
    field: '$.renew.agreement'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LeaseMessageRenewConsumerSignatureFieldEvent {
    field: '$.renew.consumerSignature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LeaseMessageReleaseLeaseIdFieldEvent {
    field: '$.release.leaseId'
    value: string
  }

  export interface LeaseMessageReleaseConsumerSignatureFieldEvent {
    field: '$.release.consumerSignature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LeaseMessageQueryRequestIdFieldEvent {
    field: '$.query.requestId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LeaseMessageEndedLeaseAgreementFieldEvent {
    field: '$.ended.lease.agreement'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LeaseMessageEndedLeaseProviderSignatureFieldEvent {
    field: '$.ended.lease.providerSignature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LeaseMessageEndedLeaseConsumerSignatureFieldEvent {
    field: '$.ended.lease.consumerSignature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LeaseMessageEndedStatusFieldEvent {
    field: '$.ended.status'
    value: string
  }

  export interface LeaseMessageEndedEndedAtFieldEvent {
    field: '$.ended.endedAt'
    value: bigint
  }

  export function encode (obj: Partial<LeaseMessage>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, LeaseMessage.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LeaseMessage>): LeaseMessage {
    return decodeMessage(buf, LeaseMessage.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LeaseMessage>): Generator<LeaseMessageRequestRequestIdFieldEvent | LeaseMessageRequestCpiFieldEvent | LeaseMessageRequestGpusFieldEvent | LeaseMessageRequestDurationSecFieldEvent | LeaseMessageRequestMaxMicrosPerGpuHourFieldEvent | LeaseMessageRequestCurrencyFieldEvent | LeaseMessageRequestValidUntilFieldEvent | LeaseMessageRequestAccessFieldEvent | LeaseMessageQuoteAgreementFieldEvent | LeaseMessageQuoteProviderSignatureFieldEvent | LeaseMessageQuoteExpiresAtFieldEvent | LeaseMessageQuoteRoundFieldEvent | LeaseMessageCounterMicrosPerGpuHourFieldEvent | LeaseMessageAcceptAgreementHashFieldEvent | LeaseMessageAcceptConsumerSignatureFieldEvent | LeaseMessageGrantLeaseAgreementFieldEvent | LeaseMessageGrantLeaseProviderSignatureFieldEvent | LeaseMessageGrantLeaseConsumerSignatureFieldEvent | LeaseMessageGrantAccessFieldEvent | LeaseMessageRejectCodeFieldEvent | LeaseMessageRejectMessageFieldEvent | LeaseMessageRenewAgreementFieldEvent | LeaseMessageRenewConsumerSignatureFieldEvent | LeaseMessageReleaseLeaseIdFieldEvent | LeaseMessageReleaseConsumerSignatureFieldEvent | LeaseMessageQueryRequestIdFieldEvent | LeaseMessageEndedLeaseAgreementFieldEvent | LeaseMessageEndedLeaseProviderSignatureFieldEvent | LeaseMessageEndedLeaseConsumerSignatureFieldEvent | LeaseMessageEndedStatusFieldEvent | LeaseMessageEndedEndedAtFieldEvent> {
    return streamMessage(buf, LeaseMessage.codec(), opts)
  }
}
