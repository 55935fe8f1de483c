// Runs a TF.js graph model from disk in the real TensorFlow.js and writes its outputs as .npy files.
//
//   node graph_models.js REQUEST.json
//
// REQUEST: {"model": "/path/model.json", "inputs": {"node name": "/path/x.npy", ...},
//           "outputs": ["Identity:0", ...], "out": "/cache/dir", "backend": "cpu"}
// Writes OUT/outputs.json ({"tfjs", "backend", "outputs": [{"name", "dtype", "shape", "file"}]}) beside one
// .npy per output. OUT appears atomically: everything is written to a temporary sibling folder that is
// then renamed, so a reader sees either no OUT or a complete one (a concurrent run's OUT wins).
// Also a library (bench/graph.js uses it): loadGraphModel(tf, path), readInputs(tf, {name: npy path}),
// readNpy(buffer), npyBytes(dtype, shape, values).
'use strict';
const fs = require('fs');
const path = require('path');

const NPY_DTYPES = {'<f4': ['float32', Float32Array], '<i4': ['int32', Int32Array], '|b1': ['bool', Uint8Array],
                    '|u1': ['int32', Uint8Array]};
const TF_TO_NPY = {float32: ['<f4', Float32Array], int32: ['<i4', Int32Array], bool: ['|b1', Uint8Array]};

// {dtype, shape, values} of a little-endian C-order .npy (format 1.0 or 2.0) holding f4, i4, b1 or u1.
function readNpy(buf) {
  if (buf.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error('not a .npy file');
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', start, start + headerLen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  if (/'fortran_order':\s*True/.test(header)) throw new Error('Fortran-order .npy is not supported');
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',').map(s => s.trim()).filter(Boolean).map(Number);
  if (!(descr in NPY_DTYPES)) throw new Error(`.npy dtype ${descr} is not supported`);
  const [dtype, Arr] = NPY_DTYPES[descr];
  const offset = start + headerLen;
  const count = shape.reduce((a, b) => a * b, 1);
  const data = new Arr(count);
  new Uint8Array(data.buffer).set(buf.subarray(offset, offset + count * Arr.BYTES_PER_ELEMENT));
  return {dtype, shape, values: dtype === 'int32' && Arr !== Int32Array ? Int32Array.from(data) : data};
}

// A .npy (format 1.0) of a float32, int32 or bool tensor's values. The values are converted to the dtype's
// array type first: TF.js may hold a tensor's data in another typed array (e.g. an Int32Array behind a
// float32 tensor after a no-op cast), and its values, not its bytes, are what the tensor means.
function npyBytes(dtype, shape, values) {
  if (!(dtype in TF_TO_NPY)) throw new Error(`cannot write a ${dtype} tensor as .npy`);
  const [descr, Arr] = TF_TO_NPY[dtype];
  const typed = values instanceof Arr ? values : Arr.from(values);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  header += ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1;
  pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  const body = Buffer.from(typed.buffer, typed.byteOffset, typed.byteLength);
  return Buffer.concat([pre, Buffer.from(header, 'latin1'), body]);
}

// Loads model.json and its shards (concatenated in manifest order) through tf.io.fromMemory.
async function loadGraphModel(tf, modelPath) {
  const model = JSON.parse(fs.readFileSync(modelPath, 'utf8'));
  const dir = path.dirname(modelPath);
  const groups = model.weightsManifest || [];
  const shards = groups.flatMap(g => g.paths.map(p => fs.readFileSync(path.join(dir, p))));
  const all = Buffer.concat(shards);
  const artifacts = {
    modelTopology: model.modelTopology, format: model.format, generatedBy: model.generatedBy,
    convertedBy: model.convertedBy, signature: model.signature, userDefinedMetadata: model.userDefinedMetadata,
    modelInitializer: model.modelInitializer, initializerSignature: model.initializerSignature,
    weightSpecs: groups.flatMap(g => g.weights),
    weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
  };
  return tf.loadGraphModel(tf.io.fromMemory(artifacts));
}

// The request's inputs as tensors keyed by node name.
function readInputs(tf, inputs) {
  const out = {};
  for (const [name, file] of Object.entries(inputs)) {
    const a = readNpy(fs.readFileSync(file));
    out[name] = tf.tensor(a.values, a.shape, a.dtype);
  }
  return out;
}

// Writes OUT atomically (temporary sibling folder, then rename).
function writeOutputs(tf, out, names, tensors, backend) {
  const tmp = `${out}.tmp-${process.pid}-${Date.now()}`;
  fs.mkdirSync(tmp, {recursive: true});
  const outputs = names.map((name, i) => {
    const t = tensors[i];
    const file = `${String(i).padStart(3, '0')}.npy`;
    fs.writeFileSync(path.join(tmp, file), npyBytes(t.dtype, t.shape, t.dataSync()));
    return {name, dtype: t.dtype, shape: t.shape, file};
  });
  fs.writeFileSync(path.join(tmp, 'outputs.json'), JSON.stringify({tfjs: tf.version.tfjs, backend, outputs}));
  try {
    fs.renameSync(tmp, out);
  } catch (e) {
    fs.rmSync(tmp, {recursive: true, force: true});
    if (!fs.existsSync(path.join(out, 'outputs.json'))) throw e;
  }
}

async function main() {
  console.log = (...a) => console.error(...a);  // TF.js prints banners; stdout stays empty
  const tf = require('@tensorflow/tfjs');
  const req = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const backend = req.backend || 'cpu';
  await tf.setBackend(backend);
  const model = await loadGraphModel(tf, req.model);
  const inputs = readInputs(tf, req.inputs);
  let result = await model.executeAsync(inputs, req.outputs);
  if (!Array.isArray(result)) result = [result];
  fs.mkdirSync(path.dirname(req.out), {recursive: true});
  writeOutputs(tf, req.out, req.outputs, result, backend);
}

module.exports = {loadGraphModel, readInputs, readNpy, npyBytes};

if (require.main === module) main().catch(e => { console.error(e && e.stack || e); process.exit(1); });
