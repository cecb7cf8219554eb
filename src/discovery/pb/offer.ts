import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface Resource {
  vendor: string
  model: string
  class: string
  gpuMemoryMib: number
  totalGpus: number
  availableGpus: number
  interconnect: string
  cpuCores: number
  ramGib: number
  diskGib: number
  bandwidthMbps: number
}

export namespace Resource {
  let _codec: Codec<Resource>

  export const codec = (): Codec<Resource> => {
    if (_codec == null) {
      _codec = message<Resource>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.vendor != null && obj.vendor !== '')) {
          w.uint32(10)
          w.string(obj.vendor)
        }

        if ((obj.model != null && obj.model !== '')) {
          w.uint32(18)
          w.string(obj.model)
        }

        if ((obj.class != null && obj.class !== '')) {
          w.uint32(26)
          w.string(obj.class)
        }

        if ((obj.gpuMemoryMib != null && obj.gpuMemoryMib !== 0)) {
          w.uint32(32)
          w.uint32(obj.gpuMemoryMib)
        }

        if ((obj.totalGpus != null && obj.totalGpus !== 0)) {
          w.uint32(40)
          w.uint32(obj.totalGpus)
        }

        if ((obj.availableGpus != null && obj.availableGpus !== 0)) {
          w.uint32(48)
          w.uint32(obj.availableGpus)
        }

        if ((obj.interconnect != null && obj.interconnect !== '')) {
          w.uint32(58)
          w.string(obj.interconnect)
        }

        if ((obj.cpuCores != null && obj.cpuCores !== 0)) {
          w.uint32(64)
          w.uint32(obj.cpuCores)
        }

        if ((obj.ramGib != null && obj.ramGib !== 0)) {
          w.uint32(72)
          w.uint32(obj.ramGib)
        }

        if ((obj.diskGib != null && obj.diskGib !== 0)) {
          w.uint32(80)
          w.uint32(obj.diskGib)
        }

        if ((obj.bandwidthMbps != null && obj.bandwidthMbps !== 0)) {
          w.uint32(88)
          w.uint32(obj.bandwidthMbps)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          vendor: '',
          model: '',
          class: '',
          gpuMemoryMib: 0,
          totalGpus: 0,
          availableGpus: 0,
          interconnect: '',
          cpuCores: 0,
          ramGib: 0,
          diskGib: 0,
          bandwidthMbps: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.vendor = reader.string()
              break
            }
            case 2: {
              obj.model = reader.string()
              break
            }
            case 3: {
              obj.class = reader.string()
              break
            }
            case 4: {
              obj.gpuMemoryMib = reader.uint32()
              break
            }
            case 5: {
              obj.totalGpus = reader.uint32()
              break
            }
            case 6: {
              obj.availableGpus = reader.uint32()
              break
            }
            case 7: {
              obj.interconnect = reader.string()
              break
            }
            case 8: {
              obj.cpuCores = reader.uint32()
              break
            }
            case 9: {
              obj.ramGib = reader.uint32()
              break
            }
            case 10: {
              obj.diskGib = reader.uint32()
              break
            }
            case 11: {
              obj.bandwidthMbps = reader.uint32()
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
                field: `${prefix}.vendor`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.model`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.class`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.gpuMemoryMib`,
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
                field: `${prefix}.availableGpus`,
                value: reader.uint32()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.interconnect`,
                value: reader.string()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.cpuCores`,
                value: reader.uint32()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.ramGib`,
                value: reader.uint32()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.diskGib`,
                value: reader.uint32()
              }
              break
            }
            case 11: {
              yield {
                field: `${prefix}.bandwidthMbps`,
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

  export interface ResourceVendorFieldEvent {
    field: '$.vendor'
    value: string
  }

  export interface ResourceModelFieldEvent {
    field: '$.model'
    value: string
  }

  export interface ResourceClassFieldEvent {
    field: '$.class'
    value: string
  }

  export interface ResourceGpuMemoryMibFieldEvent {
    field: '$.gpuMemoryMib'
    value: number
  }

  export interface ResourceTotalGpusFieldEvent {
    field: '$.totalGpus'
    value: number
  }

  export interface ResourceAvailableGpusFieldEvent {
    field: '$.availableGpus'
    value: number
  }

  export interface ResourceInterconnectFieldEvent {
    field: '$.interconnect'
    value: string
  }

  export interface ResourceCpuCoresFieldEvent {
    field: '$.cpuCores'
    value: number
  }

  export interface ResourceRamGibFieldEvent {
    field: '$.ramGib'
    value: number
  }

  export interface ResourceDiskGibFieldEvent {
    field: '$.diskGib'
    value: number
  }

  export interface ResourceBandwidthMbpsFieldEvent {
    field: '$.bandwidthMbps'
    value: number
  }

  export function encode (obj: Partial<Resource>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Resource.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Resource>): Resource {
    return decodeMessage(buf, Resource.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Resource>): Generator<ResourceVendorFieldEvent | ResourceModelFieldEvent | ResourceClassFieldEvent | ResourceGpuMemoryMibFieldEvent | ResourceTotalGpusFieldEvent | ResourceAvailableGpusFieldEvent | ResourceInterconnectFieldEvent | ResourceCpuCoresFieldEvent | ResourceRamGibFieldEvent | ResourceDiskGibFieldEvent | ResourceBandwidthMbpsFieldEvent> {
    return streamMessage(buf, Resource.codec(), opts)
  }
}

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

export interface Offer {
  cpi: string
  seq: bigint
  issuedAt: bigint
  expiresAt: bigint
  resource?: Resource
  region: string
  labels: string[]
  price?: Price
  minLeaseSec: number
  maxLeaseSec: number
  addrs: Uint8Array<ArrayBuffer>[]
  withdrawn: boolean
}

export namespace Offer {
  let _codec: Codec<Offer>

  export const codec = (): Codec<Offer> => {
    if (_codec == null) {
      _codec = message<Offer>((obj, w, opts = {}) => {
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

        if ((obj.issuedAt != null && obj.issuedAt !== 0n)) {
          w.uint32(24)
          w.uint64(obj.issuedAt)
        }

        if ((obj.expiresAt != null && obj.expiresAt !== 0n)) {
          w.uint32(32)
          w.uint64(obj.expiresAt)
        }

        if (obj.resource != null) {
          w.uint32(42)
          Resource.codec().encode(obj.resource, w)
        }

        if ((obj.region != null && obj.region !== '')) {
          w.uint32(50)
          w.string(obj.region)
        }

        if (obj.labels != null && obj.labels.length > 0) {
          for (const value of obj.labels) {
            w.uint32(58)
            w.string(value)
          }
        }

        if (obj.price != null) {
          w.uint32(66)
          Price.codec().encode(obj.price, w)
        }

        if ((obj.minLeaseSec != null && obj.minLeaseSec !== 0)) {
          w.uint32(72)
          w.uint32(obj.minLeaseSec)
        }

        if ((obj.maxLeaseSec != null && obj.maxLeaseSec !== 0)) {
          w.uint32(80)
          w.uint32(obj.maxLeaseSec)
        }

        if (obj.addrs != null && obj.addrs.length > 0) {
          for (const value of obj.addrs) {
            w.uint32(90)
            w.bytes(value)
          }
        }

        if ((obj.withdrawn != null && obj.withdrawn !== false)) {
          w.uint32(96)
          w.bool(obj.withdrawn)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          cpi: '',
          seq: 0n,
          issuedAt: 0n,
          expiresAt: 0n,
          region: '',
          labels: [],
          minLeaseSec: 0,
          maxLeaseSec: 0,
          addrs: [],
          withdrawn: false
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
              obj.issuedAt = reader.uint64()
              break
            }
            case 4: {
              obj.expiresAt = reader.uint64()
              break
            }
            case 5: {
              obj.resource = Resource.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.resource
              })
              break
            }
            case 6: {
              obj.region = reader.string()
              break
            }
            case 7: {
              if (opts.limits?.labels != null && obj.labels.length === opts.limits.labels) {
                throw new MaxLengthError('Decode error - repeated field "labels" had too many elements')
              }

              obj.labels.push(reader.string())
              break
            }
            case 8: {
              obj.price = Price.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.price
              })
              break
            }
            case 9: {
              obj.minLeaseSec = reader.uint32()
              break
            }
            case 10: {
              obj.maxLeaseSec = reader.uint32()
              break
            }
            case 11: {
              if (opts.limits?.addrs != null && obj.addrs.length === opts.limits.addrs) {
                throw new MaxLengthError('Decode error - repeated field "addrs" had too many elements')
              }

              obj.addrs.push(reader.bytes())
              break
            }
            case 12: {
              obj.withdrawn = reader.bool()
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
          labels: 0,
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
              yield {
                field: `${prefix}.issuedAt`,
                value: reader.uint64()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.expiresAt`,
                value: reader.uint64()
              }
              break
            }
            case 5: {
              yield * Resource.codec().stream(reader, reader.uint32(), `${prefix}.resource`, {
                limits: opts.limits?.resource
              })

              break
            }
            case 6: {
              yield {
                field: `${prefix}.region`,
                value: reader.string()
              }
              break
            }
            case 7: {
              if (opts.limits?.labels != null && obj.labels === opts.limits.labels) {
                throw new MaxLengthError('Streaming decode error - repeated field "labels" had too many elements')
              }

              yield {
                field: `${prefix}.labels[]`,
                index: obj.labels,
                value: reader.string()
              }

              obj.labels++

              break
            }
            case 8: {
              yield * Price.codec().stream(reader, reader.uint32(), `${prefix}.price`, {
                limits: opts.limits?.price
              })

              break
            }
            case 9: {
              yield {
                field: `${prefix}.minLeaseSec`,
                value: reader.uint32()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.maxLeaseSec`,
                value: reader.uint32()
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
            case 12: {
              yield {
                field: `${prefix}.withdrawn`,
                value: reader.bool()
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

  export interface OfferCpiFieldEvent {
    field: '$.cpi'
    value: string
  }

  export interface OfferSeqFieldEvent {
    field: '$.seq'
    value: bigint
  }

  export interface OfferIssuedAtFieldEvent {
    field: '$.issuedAt'
    value: bigint
  }

  export interface OfferExpiresAtFieldEvent {
    field: '$.expiresAt'
    value: bigint
  }

  export interface OfferResourceVendorFieldEvent {
    field: '$.resource.vendor'
    value: string
  }

  export interface OfferResourceModelFieldEvent {
    field: '$.resource.model'
    value: string
  }

  export interface OfferResourceClassFieldEvent {
    field: '$.resource.class'
    value: string
  }

  export interface OfferResourceGpuMemoryMibFieldEvent {
    field: '$.resource.gpuMemoryMib'
    value: number
  }

  export interface OfferResourceTotalGpusFieldEvent {
    field: '$.resource.totalGpus'
    value: number
  }

  export interface OfferResourceAvailableGpusFieldEvent {
    field: '$.resource.availableGpus'
    value: number
  }

  export interface OfferResourceInterconnectFieldEvent {
    field: '$.resource.interconnect'
    value: string
  }

  export interface OfferResourceCpuCoresFieldEvent {
    field: '$.resource.cpuCores'
    value: number
  }

  export interface OfferResourceRamGibFieldEvent {
    field: '$.resource.ramGib'
    value: number
  }

  export interface OfferResourceDiskGibFieldEvent {
    field: '$.resource.diskGib'
    value: number
  }

  export interface OfferResourceBandwidthMbpsFieldEvent {
    field: '$.resource.bandwidthMbps'
    value: number
  }

  export interface OfferRegionFieldEvent {
    field: '$.region'
    value: string
  }

  export interface OfferLabelsFieldEvent {
    field: '$.labels[]'
    index: number
    value: string
  }

  export interface OfferPriceMicrosPerGpuHourFieldEvent {
    field: '$.price.microsPerGpuHour'
    value: bigint
  }

  export interface OfferPriceCurrencyFieldEvent {
    field: '$.price.currency'
    value: string
  }

  export interface OfferMinLeaseSecFieldEvent {
    field: '$.minLeaseSec'
    value: number
  }

  export interface OfferMaxLeaseSecFieldEvent {
    field: '$.maxLeaseSec'
    value: number
  }

  export interface OfferAddrsFieldEvent {
    field: '$.addrs[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface OfferWithdrawnFieldEvent {
    field: '$.withdrawn'
    value: boolean
  }

  export function encode (obj: Partial<Offer>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Offer.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Offer>): Offer {
    return decodeMessage(buf, Offer.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Offer>): Generator<OfferCpiFieldEvent | OfferSeqFieldEvent | OfferIssuedAtFieldEvent | OfferExpiresAtFieldEvent | OfferResourceVendorFieldEvent | OfferResourceModelFieldEvent | OfferResourceClassFieldEvent | OfferResourceGpuMemoryMibFieldEvent | OfferResourceTotalGpusFieldEvent | OfferResourceAvailableGpusFieldEvent | OfferResourceInterconnectFieldEvent | OfferResourceCpuCoresFieldEvent | OfferResourceRamGibFieldEvent | OfferResourceDiskGibFieldEvent | OfferResourceBandwidthMbpsFieldEvent | OfferRegionFieldEvent | OfferLabelsFieldEvent | OfferPriceMicrosPerGpuHourFieldEvent | OfferPriceCurrencyFieldEvent | OfferMinLeaseSecFieldEvent | OfferMaxLeaseSecFieldEvent | OfferAddrsFieldEvent | OfferWithdrawnFieldEvent> {
    return streamMessage(buf, Offer.codec(), opts)
  }
}

export interface SignedOffer {
  offer: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace SignedOffer {
  let _codec: Codec<SignedOffer>

  export const codec = (): Codec<SignedOffer> => {
    if (_codec == null) {
      _codec = message<SignedOffer>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.offer != null && obj.offer.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.offer)
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
          offer: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.offer = reader.bytes()
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
                field: `${prefix}.offer`,
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

  export interface SignedOfferOfferFieldEvent {
    field: '$.offer'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedOfferSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SignedOffer>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SignedOffer.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedOffer>): SignedOffer {
    return decodeMessage(buf, SignedOffer.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedOffer>): Generator<SignedOfferOfferFieldEvent | SignedOfferSignatureFieldEvent> {
    return streamMessage(buf, SignedOffer.codec(), opts)
  }
}

export interface OffersRequest {
  pools: string[]
}

export namespace OffersRequest {
  let _codec: Codec<OffersRequest>

  export const codec = (): Codec<OffersRequest> => {
    if (_codec == null) {
      _codec = message<OffersRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.pools != null && obj.pools.length > 0) {
          for (const value of obj.pools) {
            w.uint32(10)
            w.string(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          pools: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.pools != null && obj.pools.length === opts.limits.pools) {
                throw new MaxLengthError('Decode error - repeated field "pools" had too many elements')
              }

              obj.pools.push(reader.string())
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
          pools: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.pools != null && obj.pools === opts.limits.pools) {
                throw new MaxLengthError('Streaming decode error - repeated field "pools" had too many elements')
              }

              yield {
                field: `${prefix}.pools[]`,
                index: obj.pools,
                value: reader.string()
              }

              obj.pools++

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

  export interface OffersRequestPoolsFieldEvent {
    field: '$.pools[]'
    index: number
    value: string
  }

  export function encode (obj: Partial<OffersRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, OffersRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OffersRequest>): OffersRequest {
    return decodeMessage(buf, OffersRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OffersRequest>): Generator<OffersRequestPoolsFieldEvent> {
    return streamMessage(buf, OffersRequest.codec(), opts)
  }
}

export interface OffersResponse {
  offers: SignedOffer[]
}

export namespace OffersResponse {
  let _codec: Codec<OffersResponse>

  export const codec = (): Codec<OffersResponse> => {
    if (_codec == null) {
      _codec = message<OffersResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.offers != null && obj.offers.length > 0) {
          for (const value of obj.offers) {
            w.uint32(10)
            SignedOffer.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          offers: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.offers != null && obj.offers.length === opts.limits.offers) {
                throw new MaxLengthError('Decode error - repeated field "offers" had too many elements')
              }

              obj.offers.push(SignedOffer.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.offers$
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
          offers: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.offers != null && obj.offers === opts.limits.offers) {
                throw new MaxLengthError('Streaming decode error - repeated field "offers" had too many elements')
              }

              for (const evt of SignedOffer.codec().stream(reader, reader.uint32(), `${prefix}.offers[]`, {
                limits: opts.limits?.offers$
              })) {
                yield {
                  ...evt,
                  index: obj.offers
                }
              }

              obj.offers++

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

  export interface OffersResponseOffersOfferFieldEvent {
    field: '$.offers[].offer'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface OffersResponseOffersSignatureFieldEvent {
    field: '$.offers[].signature'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<OffersResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, OffersResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OffersResponse>): OffersResponse {
    return decodeMessage(buf, OffersResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OffersResponse>): Generator<OffersResponseOffersOfferFieldEvent | OffersResponseOffersSignatureFieldEvent> {
    return streamMessage(buf, OffersResponse.codec(), opts)
  }
}
