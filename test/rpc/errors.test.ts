/**
 * One error pattern: every error cpnet defines has a name, a CPNET_* code and
 * the JSON-RPC code it declares itself, and toErrorObject takes that code
 * from the error, so a new error needs no table to reach its caller right.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { ErrorCode } from '../../src/error-codes.ts'
import { defineError } from '../../src/errors.ts'
import { NodeNotRunningError } from '../../src/node/node.ts'
import { RpcClientError } from '../../src/rpc/client.ts'
import { RpcError, toErrorObject } from '../../src/rpc/errors.ts'

const SRC = join(import.meta.dirname, '../../src')
const RPC_CODES = new Set<number>(Object.values(ErrorCode))

/**
 * The error classes that are not domain errors: the RPC layer's own (RpcError
 * and its subclasses, the client's RpcClientError, the HTTP server's private
 * HttpError), which carry a JSON-RPC code and data as they go on the wire.
 */
const WIRE_ERRORS = new Set(['src/rpc/errors.ts:RpcError', 'src/rpc/client.ts:RpcClientError', 'src/rpc/http-server.ts:HttpError'])

function isWireError (cls: Function): boolean {
  return cls === RpcError || cls.prototype instanceof RpcError || cls === RpcClientError
}

function sourceFiles (dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') ? [path] : []
  })
}

const files = sourceFiles(SRC)

/** Exported classes that extend Error, from every file that defines errors. */
async function exportedErrorClasses (): Promise<Array<{ where: string, cls: Function & { errorName?: unknown, code?: unknown, rpcCode?: unknown } }>> {
  const defining = files.filter(file => /defineError|defineRecordError|extends Error/.test(readFileSync(file, 'utf8')))
  const found = []
  for (const file of defining) {
    const module = await import(pathToFileURL(file).href) as Record<string, unknown>
    for (const [name, value] of Object.entries(module)) {
      if (typeof value === 'function' && value.prototype instanceof Error) {
        found.push({ where: `${relative(join(SRC, '..'), file)}:${name}`, cls: value })
      }
    }
  }
  return found
}

describe('error pattern', () => {
  it('every exported error class has a CPNET_* code and a JSON-RPC code of its own, and a name and code no other has', async () => {
    const classes = (await exportedErrorClasses()).filter(({ cls }) => !isWireError(cls))
    // every definition in the source is among them: `export const X = defineError(`, `export class X extends defineError(`
    const definitions = files.flatMap(file => [...readFileSync(file, 'utf8').matchAll(/^export (?:const \w+ = defineError|class \w+ extends define(?:Record)?Error)\b/gm)])
    expect(classes.length).toBe(definitions.length)
    expect(classes.length).toBeGreaterThan(40)
    const names = new Map<string, string>()
    const codes = new Map<string, string>()
    for (const { where, cls } of classes) {
      expect(cls.code, where).toMatch(/^CPNET_[A-Z0-9_]+$/)
      expect(RPC_CODES.has(cls.rpcCode as number), `${where}: rpcCode ${String(cls.rpcCode)}`).toBe(true)
      // the name its errors carry (what toErrorObject sends as data.name), also for `class X extends defineError('Y', …)`
      const errorName = String(cls.errorName)
      expect(where.endsWith(`:${errorName}`), `${where} makes errors named ${errorName}`).toBe(true)
      expect(names.get(errorName), `${where}: name taken`).toBeUndefined()
      expect(codes.get(cls.code as string), `${where}: code taken`).toBeUndefined()
      names.set(errorName, where)
      codes.set(cls.code as string, where)
    }
  })

  it('no error class is written by hand beside the pattern (a subclass of a defined error is fine)', () => {
    const handWritten = files.flatMap(file => [...readFileSync(file, 'utf8').matchAll(/class (\w+) extends Error\b/g)]
      .map(m => `${relative(join(SRC, '..'), file)}:${m[1]}`))
      .filter(where => !WIRE_ERRORS.has(where) && where !== 'src/errors.ts:DefinedError')
    expect(handWritten).toEqual([])
  })

  it('every error the API answered with before the pattern keeps its code', async () => {
    // the name table rpc/errors.ts held until every error declared its own code
    const BEFORE: Record<string, number> = {
      OfferNotFoundError: ErrorCode.NOT_FOUND,
      PoolNotFoundError: ErrorCode.NOT_FOUND,
      PoolConflictError: ErrorCode.SERVER_ERROR,
      LeaseRejectedError: ErrorCode.LEASE_REJECTED,
      LeaseUnconfirmedError: ErrorCode.LEASE_UNCONFIRMED,
      LeaseFailedError: ErrorCode.LEASE_FAILED,
      LeaseEndedError: ErrorCode.LEASE_ENDED,
      LeaseUnknownError: ErrorCode.NOT_FOUND,
      NoMatchingOfferError: ErrorCode.NOT_FOUND,
      LeaseProtocolError: ErrorCode.SERVER_ERROR,
      LeaseTimeoutError: ErrorCode.TIMEOUT,
      LeaseStreamError: ErrorCode.SERVER_ERROR,
      LeaseNotActiveError: ErrorCode.SERVER_ERROR,
      InvalidCpiError: ErrorCode.INVALID_PARAMS,
      SubscriptionLimitError: ErrorCode.LIMIT_EXCEEDED,
      NodeNotRunningError: ErrorCode.UNAVAILABLE
    }
    const declared = new Map((await exportedErrorClasses()).map(({ cls }) => [String(cls.errorName), cls.rpcCode]))
    expect(Object.fromEntries(Object.keys(BEFORE).map(name => [name, declared.get(name)]))).toEqual(BEFORE)
  })

  it('a freshly defined error reaches JSON-RPC with its declared code, its name and its details', () => {
    const FreshError = defineError<{ pool: string }>('FreshError', 'CPNET_FRESH', ErrorCode.LIMIT_EXCEEDED)
    expect(toErrorObject(new FreshError('too many', { details: { pool: 'a' } }))).toEqual({ code: -32004, message: 'too many', data: { name: 'FreshError', pool: 'a' } })
    const Subclass = class extends defineError('SubError', 'CPNET_SUB', ErrorCode.NOT_FOUND) {}
    expect(toErrorObject(new Subclass('gone'))).toEqual({ code: -32002, message: 'gone', data: { name: 'SubError' } })
  })

  it('an error declared INTERNAL_ERROR says no more than an unknown one', () => {
    const Hidden = defineError('HiddenError', 'CPNET_HIDDEN', ErrorCode.INTERNAL_ERROR)
    expect(toErrorObject(new Hidden('disk path /x'))).toEqual({ code: -32603, message: 'Internal error', data: { message: 'disk path /x' } })
    expect(toErrorObject(new Error('boom'))).toEqual({ code: -32603, message: 'Internal error', data: { message: 'boom' } })
  })

  it('the node not running is Unavailable under its own name', () => {
    expect(toErrorObject(new NodeNotRunningError('stopping'))).toEqual({ code: -32005, message: 'stopping', data: { name: 'NodeNotRunningError' } })
  })

  it('errors cpnet does not define are mapped by their name; a borrowed cpnet name maps to nothing', () => {
    const named = (name: string): Error => Object.assign(new Error(name), { name })
    expect(toErrorObject(named('TimeoutError')).code).toBe(ErrorCode.TIMEOUT)
    expect(toErrorObject(named('NotStartedError')).code).toBe(ErrorCode.UNAVAILABLE)
    expect(toErrorObject(named('InvalidMultiaddrError')).code).toBe(ErrorCode.INVALID_PARAMS)
    expect(toErrorObject(named('LeaseUnknownError')).code).toBe(ErrorCode.INTERNAL_ERROR)
  })
})
