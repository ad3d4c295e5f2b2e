/**
 * Thread entry of the compute pool: piscina calls the default export with
 * each `{ name, input }` it is given. Everything it does lives in
 * src/compute/dispatch.ts so that it can be run and tested in-process too.
 */
import { executeTask } from '../src/compute/dispatch.js'

export default executeTask
