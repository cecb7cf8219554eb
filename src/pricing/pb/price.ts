import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface Price {
  microsPerGpuHour: bigint
  currency: string
}

export namespace Price {
  let _codec: Codec<Price>

  export const codec = (): Codec<Price> => {
    if (_codec == null) {
      _codec = message<Price>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.microsPerGpuHour != null && obj.microsPerGpuHour !== 0n)) {
          w.uint32(8)
          w.uint64(obj.microsPerGpuHour)
        }

        if ((obj.currency != null && obj.currency !== '')) {
          w.uint32(18)
          w.string(obj.currency)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          microsPerGpuHour: 0n,
          currency: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.microsPerGpuHour = reader.uint64()
              break
            }
            case 2: {
              obj.currency = reader.string()
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
            case 2: {
              yield {
                field: `${prefix}.currency`,
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

  export interface PriceMicrosPerGpuHourFieldEvent {
    field: '$.microsPerGpuHour'
    value: bigint
  }

  export interface PriceCurrencyFieldEvent {
    field: '$.currency'
    value: string
  }

  export function encode (obj: Partial<Price>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Price.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Price>): Price {
    return decodeMessage(buf, Price.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Price>): Generator<PriceMicrosPerGpuHourFieldEvent | PriceCurrencyFieldEvent> {
    return streamMessage(buf, Price.codec(), opts)
  }
}

export interface PriceUpdate {
  cpi: string
  seq: bigint
  price?: Price
  availableGpus: number
  totalGpus: number
  issuedAt: bigint
  expiresAt: bigint
  class: string
  region: string
  withdrawn: boolean
  addrs: Uint8Array<ArrayBuffer>[]
}

export namespace PriceUpdate {
  let _codec: Codec<PriceUpdate>

  export const codec = (): Codec<PriceUpdate> => {
    if (_codec == null) {
      _codec = message<PriceUpdate>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.cpi != null && obj.cpi !== '')) {
          w.uint32(10)
          w.string(obj.cpi)
        }

        if ((obj.seq != null && obj.seq !== 0n)) {
          w.uint32(16)
          w.uint64(obj.seq)
        }

        if (obj.price != null) {
          w.uint32(26)
          Price.codec().encode(obj.price, w)
        }

        if ((obj.availableGpus != null && obj.availableGpus !== 0)) {
          w.uint32(32)
          w.uint32(obj.availableGpus)
        }

        if ((obj.totalGpus != null && obj.totalGpus !== 0)) {
          w.uint32(40)
          w.uint32(obj.totalGpus)
        }

        if ((obj.issuedAt != null && obj.issuedAt !== 0n)) {
          w.uint32(48)
          w.uint64(obj.issuedAt)
        }

        if ((obj.expiresAt != null && obj.expiresAt !== 0n)) {
          w.uint32(56)
          w.uint64(obj.expiresAt)
        }

        if ((obj.class != null && obj.class !== '')) {
          w.uint32(66)
          w.string(obj.class)
        }

        if ((obj.region != null && obj.region !== '')) {
          w.uint32(74)
          w.string(obj.region)
        }

        if ((obj.withdrawn != null && obj.withdrawn !== false)) {
          w.uint32(80)
          w.bool(obj.withdrawn)
        }

        if (obj.addrs != null && obj.addrs.length > 0) {
          for (const value of obj.addrs) {
            w.uint32(90)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          cpi: '',
          seq: 0n,
          availableGpus: 0,
          totalGpus: 0,
          issuedAt: 0n,
          expiresAt: 0n,
          class: '',
          region: '',
          withdrawn: false,
          addrs: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.cpi = reader.string()
              break
            }
            case 2: {
              obj.seq = reader.uint64()
              break
            }
            case 3: {
              obj.price = Price.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.price
              })
              break
            }
            case 4: {
              obj.availableGpus = reader.uint32()
              break
            }
            case 5: {
              obj.totalGpus = reader.uint32()
              break
            }
            case 6: {
              obj.issuedAt = reader.uint64()
              break
            }
            case 7: {
              obj.expiresAt = reader.uint64()
              break
            }
            case 8: {
              obj.class = reader.string()
              break
            }
            case 9: {
              obj.region = reader.string()
              break
            }
            case 10: {
              obj.withdrawn = reader.bool()
              break
            }
            case 11: {
              if (opts.limits?.addrs != null && obj.addrs.length === opts.limits.addrs) {
                throw new MaxLengthError('Decode error - repeated field "addrs" had too many elements')
              }

              obj.addrs.push(reader.bytes())
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
          addrs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.cpi`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.seq`,
                value: reader.uint64()
              }
              break
            }
            case 3: {
              yield * Price.codec().stream(reader, reader.uint32(), `${prefix}.price`, {
                limits: opts.limits?.price
              })

              break
            }
            case 4: {
              yield {
                field: `${prefix}.availableGpus`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.totalGpus`,
                value: reader.uint32()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.issuedAt`,
                value: reader.uint64()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.expiresAt`,
                value: reader.uint64()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.class`,
                value: reader.string()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.region`,
                value: reader.string()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.withdrawn`,
                value: reader.bool()
              }
              break
            }
            case 11: {
              if (opts.limits?.addrs != null && obj.addrs === opts.limits.addrs) {
                throw new MaxLengthError('Streaming decode error - repeated field "addrs" had too many elements')
              }

              yield {
                field: `${prefix}.addrs[]`,
                index: obj.addrs,
                value: reader.bytes()
              }

              obj.addrs++

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

  export interface PriceUpdateCpiFieldEvent {
    field: '$.cpi'
    value: string
  }

  export interface PriceUpdateSeqFieldEvent {
    field: '$.seq'
    value: bigint
  }

  export interface PriceUpdatePriceMicrosPerGpuHourFieldEvent {
    field: '$.price.microsPerGpuHour'
    value: bigint
  }

  export interface PriceUpdatePriceCurrencyFieldEvent {
    field: '$.price.currency'
    value: string
  }

  export interface PriceUpdateAvailableGpusFieldEvent {
    field: '$.availableGpus'
    value: number
  }

  export interface PriceUpdateTotalGpusFieldEvent {
    field: '$.totalGpus'
    value: number
  }

  export interface PriceUpdateIssuedAtFieldEvent {
    field: '$.issuedAt'
    value: bigint
  }

  export interface PriceUpdateExpiresAtFieldEvent {
    field: '$.expiresAt'
    value: bigint
  }

  export interface PriceUpdateClassFieldEvent {
    field: '$.class'
    value: string
  }

  export interface PriceUpdateRegionFieldEvent {
    field: '$.region'
    value: string
  }

  export interface PriceUpdateWithdrawnFieldEvent {
    field: '$.withdrawn'
    value: boolean
  }

  export interface PriceUpdateAddrsFieldEvent {
    field: '$.addrs[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<PriceUpdate>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PriceUpdate.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PriceUpdate>): PriceUpdate {
    return decodeMessage(buf, PriceUpdate.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PriceUpdate>): Generator<PriceUpdateCpiFieldEvent | PriceUpdateSeqFieldEvent | PriceUpdatePriceMicrosPerGpuHourFieldEvent | PriceUpdatePriceCurrencyFieldEvent | PriceUpdateAvailableGpusFieldEvent | PriceUpdateTotalGpusFieldEvent | PriceUpdateIssuedAtFieldEvent | PriceUpdateExpiresAtFieldEvent | PriceUpdateClassFieldEvent | PriceUpdateRegionFieldEvent | PriceUpdateWithdrawnFieldEvent | PriceUpdateAddrsFieldEvent> {
    return streamMessage(buf, PriceUpdate.codec(), opts)
  }
}

export interface SignedPriceUpdate {
  update: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace SignedPriceUpdate {
  let _codec: Codec<SignedPriceUpdate>

  export const codec = (): Codec<SignedPriceUpdate> => {
    if (_codec == null) {
      _codec = message<SignedPriceUpdate>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.update != null && obj.update.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.update)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          update: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.update = reader.bytes()
              break
            }
            case 2: {
              obj.signature = reader.bytes()
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
                field: `${prefix}.update`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.signature`,
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

  export interface SignedPriceUpdateUpdateFieldEvent {
    field: '$.update'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedPriceUpdateSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SignedPriceUpdate>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SignedPriceUpdate.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedPriceUpdate>): SignedPriceUpdate {
    return decodeMessage(buf, SignedPriceUpdate.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedPriceUpdate>): Generator<SignedPriceUpdateUpdateFieldEvent | SignedPriceUpdateSignatureFieldEvent> {
    return streamMessage(buf, SignedPriceUpdate.codec(), opts)
  }
}
