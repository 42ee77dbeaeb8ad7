// Bundles the modeler and the viewer into web/static/build/ with esbuild: no CDN, no
// committed build output. `node build.mjs` (make install runs it).
import * as esbuild from 'esbuild';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const outdir = path.resolve(here, '../static/build');

// bpmn-js-bpmnlint needs its rules packed in advance: a virtual module that imports each
// recommended rule and hands them to bpmnlint's StaticResolver.
const lintRules = {
  name: 'govflow-lint-rules',
  setup(build) {
    build.onResolve({ filter: /^govflow:lint-rules$/ }, (args) => ({
      path: args.path, namespace: 'govflow-lint',
    }));
    build.onLoad({ filter: /.*/, namespace: 'govflow-lint' }, () => {
      const { rules } = require('bpmnlint/config/recommended');
      const names = Object.keys(rules);
      const imports = names.map((name, i) => `import rule${i} from 'bpmnlint/rules/${name}';`);
      const cache = names.map((name, i) => `'rule:bpmnlint/${name}': rule${i},`);
      return {
        resolveDir: here,
        contents: [
          "import StaticResolver from 'bpmnlint/lib/resolver/static-resolver';",
          ...imports,
          `export const rules = ${JSON.stringify(rules)};`,
          `export const resolver = new StaticResolver({${cache.join('')}});`,
        ].join('\n'),
      };
    });
  },
};

await esbuild.build({
  entryPoints: {
    modeler: path.join(here, 'src/modeler.js'),
    viewer: path.join(here, 'src/viewer.js'),
    diff: path.join(here, 'src/diff.js'),
    testrun: path.join(here, 'src/testrun.js'),
    forms: path.join(here, 'src/forms.js'),
    instance: path.join(here, 'src/instance.js'),
  },
  bundle: true,
  minify: !process.env.GOVFLOW_NO_MINIFY,
  sourcemap: true,
  format: 'iife',
  target: ['es2020'],
  outdir,
  loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.eot': 'file', '.svg': 'file' },
  assetNames: 'fonts/[name]-[hash]',
  legalComments: 'linked',
  plugins: [lintRules],
  logLevel: 'warning',
});
console.log(`built ${path.relative(process.cwd(), outdir)}/`);
