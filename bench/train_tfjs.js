// TF.js (Node, cpu backend) side of bench/train.py: trains the same models on the same data shapes.
// Usage: node bench/train_tfjs.js MODEL SAMPLES EPOCHS  -> prints {"samples_per_s": ...} as JSON
console.log = (...a) => console.error(...a);  // keep stdout for the JSON answer
const tf = require('../tests/interop/node_modules/@tensorflow/tfjs');

function build(kind) {
  const m = tf.sequential();
  if (kind === 'mlp') {
    m.add(tf.layers.dense({inputShape: [784], units: 256, activation: 'relu'}));
    m.add(tf.layers.dense({units: 10, activation: 'softmax'}));
  } else {
    m.add(tf.layers.conv2d({inputShape: [28, 28, 1], filters: 16, kernelSize: 3, activation: 'relu'}));
    m.add(tf.layers.maxPooling2d({poolSize: 2}));
    m.add(tf.layers.conv2d({filters: 32, kernelSize: 3, activation: 'relu'}));
    m.add(tf.layers.maxPooling2d({poolSize: 2}));
    m.add(tf.layers.flatten());
    m.add(tf.layers.dense({units: 10, activation: 'softmax'}));
  }
  m.compile({optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy'});
  return m;
}

async function main() {
  await tf.setBackend('cpu');
  const [kind, n, epochs] = [process.argv[2], +process.argv[3], +process.argv[4]];
  const x = tf.randomNormal(kind === 'mlp' ? [n, 784] : [n, 28, 28, 1]);
  const y = tf.oneHot(tf.randomUniform([n], 0, 10, 'int32'), 10).cast('float32');
  const m = build(kind);
  await m.fit(x, y, {batchSize: 128, epochs: 1, verbose: 0});  // warm-up
  const t0 = process.hrtime.bigint();
  await m.fit(x, y, {batchSize: 128, epochs, verbose: 0, shuffle: false});
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  process.stdout.write(JSON.stringify({samples_per_s: n * epochs / s, tfjs: tf.version.tfjs}));
}
main().catch(e => { console.error(e); process.exit(1); });
