'use strict';
/*
 * One warm Lambda sandbox for the local runner (`lambda-runner.ts`), forked once per function
 * and code version. Plain JavaScript so it runs in bare Node, without a TypeScript loader that
 * the deployed bundle would never have on AWS.
 *
 * argv: <code dir> <handler, e.g. "index.handler">. The runner sends
 * { id, payload, context } (payload is the JSON text of the event) one at a time; the worker
 * answers { id, ok: true, body } or { id, ok: false, errorType, errorMessage }.
 */
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const [codeDir, handlerSpec] = process.argv.slice(2);

class RuntimeError extends Error {
  constructor(name, message) {
    super(message);
    this.name = name;
  }
}

async function loadHandler() {
  const dot = handlerSpec.lastIndexOf('.');
  const modulePath = handlerSpec.slice(0, dot);
  const exportName = handlerSpec.slice(dot + 1);
  // Lambda's Node runtime looks for these extensions, in this order.
  const file = ['.js', '.mjs', '.cjs']
    .map((ext) => path.join(codeDir, modulePath + ext))
    .find((candidate) => fs.existsSync(candidate));
  if (dot <= 0 || file === undefined) {
    throw new RuntimeError('Runtime.ImportModuleError', `Error: Cannot find module '${modulePath}'`);
  }
  let mod;
  try {
    // import() loads CommonJS and ES modules alike.
    mod = await import(pathToFileURL(file).href);
  } catch (err) {
    throw new RuntimeError('Runtime.ImportModuleError', `${err && err.name}: ${err && err.message}`);
  }
  const handler = typeof mod[exportName] === 'function' ? mod[exportName] : mod.default && mod.default[exportName];
  if (typeof handler !== 'function') {
    throw new RuntimeError('Runtime.HandlerNotFound', `${handlerSpec} is undefined or not exported`);
  }
  return handler;
}

let handlerPromise;

function callHandler(handler, event, context) {
  return new Promise((resolve, reject) => {
    const callback = (err, value) => (err ? reject(err) : resolve(value));
    const returned = handler(event, context, callback);
    if (returned && typeof returned.then === 'function') returned.then(resolve, reject);
  });
}

function lambdaContext({ functionName, functionVersion, invokedFunctionArn, memoryLimitInMB, awsRequestId, deadline }) {
  return {
    functionName,
    functionVersion,
    invokedFunctionArn,
    memoryLimitInMB: String(memoryLimitInMB),
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

process.on('message', async ({ id, payload, context }) => {
  try {
    handlerPromise = handlerPromise || loadHandler();
    const handler = await handlerPromise;
    const result = await callHandler(handler, JSON.parse(payload), lambdaContext(context));
    process.send({ id, ok: true, body: JSON.stringify(result) ?? 'null' });
  } catch (err) {
    const isObject = typeof err === 'object' && err !== null;
    process.send({
      id,
      ok: false,
      errorType: isObject ? err.name || 'Error' : typeof err,
      errorMessage: isObject ? String(err.message) : String(err),
    });
  }
});

// The runner owns this process: if it goes away (even killed hard), so does the sandbox,
// whatever sockets or timers the function left open.
process.on('disconnect', () => process.exit(0));
