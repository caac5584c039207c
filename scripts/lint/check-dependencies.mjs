// Runs dependency-cruiser with .dependency-cruiser.cjs, then checks what its module-level
// rules cannot: an import cycle between folders of shared/ (e.g. catalog → notify → catalog
// through different files). Exits non-zero on any violation.
import { cruise, format } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const ROOTS = ['shared', 'services', 'scripts', 'test'];

const options = await extractDepcruiseOptions('./.dependency-cruiser.cjs');
const tsConfig = extractTSConfig('./tsconfig.json');
const result = await cruise(ROOTS, { ...options, validate: true }, undefined, { tsConfig });
const report = await format(result.output, { outputType: 'err' });
process.stdout.write(report.output);

/** One example import per folder edge, to point at the file to change. */
const edgeExample = new Map();
const folderCycles = findFolderCycles(folderGraph(result.output.modules));
for (const cycle of folderCycles) {
  console.log(`  error shared-folder-cycle: ${cycle.join(' → ')} → ${cycle[0]}`);
  for (const [from, to] of pairs(cycle)) console.log(`      ${edgeExample.get(`${from}|${to}`)}`);
}
if (folderCycles.length > 0) console.log(`\nx ${folderCycles.length} import cycle(s) between folders of shared/`);

process.exitCode = report.exitCode > 0 || folderCycles.length > 0 ? 1 : 0;

/** Folder of shared/ a module belongs to (shared/catalog/entities/x.ts → shared/catalog). */
function sharedFolder(path) {
  return /^(shared\/[^/]+)\//.exec(path)?.[1];
}

function folderGraph(modules) {
  const graph = new Map();
  for (const mod of modules) {
    const from = sharedFolder(mod.source);
    if (!from) continue;
    for (const dep of mod.dependencies) {
      const to = sharedFolder(dep.resolved);
      if (!to || to === from) continue;
      if (!graph.has(from)) graph.set(from, new Set());
      graph.get(from).add(to);
      if (!edgeExample.has(`${from}|${to}`)) edgeExample.set(`${from}|${to}`, `${mod.source} → ${dep.resolved}`);
    }
  }
  return graph;
}

/**
 * Cycles between folders: within each strongly connected set of folders (Tarjan), the
 * shortest cycle through each member (BFS), without repeating a cycle already reported.
 */
function findFolderCycles(graph) {
  const cycles = new Map();
  for (const component of stronglyConnected(graph).filter((c) => c.length > 1)) {
    for (const start of component.sort()) {
      const cycle = shortestCycle(graph, new Set(component), start);
      const key = [...cycle].sort().join(',');
      if (!cycles.has(key)) cycles.set(key, cycle);
    }
  }
  return [...cycles.values()];
}

function stronglyConnected(graph) {
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const out = [];
  let next = 0;
  const visit = (v) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      out.push(component);
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

function shortestCycle(graph, within, start) {
  const previous = new Map([[start, null]]);
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift();
    for (const w of graph.get(v) ?? []) {
      if (!within.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (previous.get(path[0]) !== null) path.unshift(previous.get(path[0]));
        return path;
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start];
}

function pairs(cycle) {
  return cycle.map((v, i) => [v, cycle[(i + 1) % cycle.length]]);
}
