// The file piscina starts in each pool thread. piscina loads its worker with require() first,
// and Node 20 can require() an ES module synchronously: a pool destroyed while a thread was
// inside that require() aborted the whole process (V8: "IsGraphAsync must be used on an
// instantiated module"). This CommonJS file is what piscina requires; it loads the real worker
// (workerData.entry: dist/worker.mjs, or worker.boot.js from the sources) with import(), which
// a shutdown interrupts cleanly, and hands piscina the promise of its default export.
const { pathToFileURL } = require('node:url');
const { workerData } = require('node:worker_threads');

module.exports = import(pathToFileURL(workerData.entry).href).then((worker) => worker.default);
