// Load an export in the transformers.js layout with transformers.js (Node), once per dtype, and run it on fixed
// token ids: an encoder's forward, or greedy generation with the cache for a decoder or an encoder-decoder.
// usage: node tjs_load.mjs <folder with node_modules/@huggingface/transformers> <export folder> <kind> <dtype>...
//   kind: encoder | decoder | seq2seq. Prints one JSON list of results; exits 1 if any dtype failed.
import { createRequire } from 'node:module';

const [tjsDir, folder, kind, ...dtypes] = process.argv.slice(2);
const tjs = createRequire(tjsDir + '/')('@huggingface/transformers');
const { env, Tensor, AutoModel, AutoModelForCausalLM, AutoModelForSeq2SeqLM } = tjs;
env.allowRemoteModels = false;  // a missing file must fail, never be fetched
env.useFSCache = false;

const ids = (values) => new Tensor('int64', values.map(BigInt), [1, values.length]);
const inputs = { input_ids: ids([4, 5, 6, 7]), attention_mask: ids([1, 1, 1, 1]) };
const results = [];
for (const dtype of dtypes) {
  try {
    const loader = { encoder: AutoModel, decoder: AutoModelForCausalLM, seq2seq: AutoModelForSeq2SeqLM }[kind];
    const model = await loader.from_pretrained(folder, { dtype, device: 'cpu' });
    const loaded = Object.fromEntries(Object.entries(model.sessions).map(([k, s]) => [k, s.config.dtype]));
    let out;
    if (kind === 'encoder') {
      const result = await model(inputs);
      const first = result.last_hidden_state ?? result.logits ?? Object.values(result)[0];
      out = { dims: first.dims, head: Array.from(first.data.slice(0, 4)).map(Number) };
    } else {
      const sequences = await model.generate({ ...inputs, max_new_tokens: 4, do_sample: false });
      out = { ids: sequences.tolist()[0].map(Number) };
    }
    results.push({ dtype, ok: true, loaded, ...out });
    await model.dispose();
  } catch (e) {
    results.push({ dtype, ok: false, error: String(e?.message ?? e).slice(0, 400) });
  }
}
console.log(JSON.stringify(results));
process.exit(results.every((r) => r.ok) ? 0 : 1);
