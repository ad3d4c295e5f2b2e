// comlink ships its Node adapter as an .mjs file whose typings TypeScript does
// not pair with it under nodenext resolution; this pairs them.
declare module 'comlink/dist/esm/node-adapter.mjs' {
  import type { Endpoint } from 'comlink'
  export interface NodeEndpoint {
    postMessage(message: unknown, transfer?: unknown[]): void
    on(type: string, listener: (value: unknown) => void): void
    off(type: string, listener: (value: unknown) => void): void
    start?: () => void
  }
  export default function nodeEndpoint(endpoint: NodeEndpoint): Endpoint
}
