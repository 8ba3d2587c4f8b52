// The inspector page: subscribes to `api/events` (server-sent events, one `update` about once a second)
// and draws the stream list, the selected stream's graph (an SVG laid out here, in layers from the
// sources), and its stage table. Every text from the server is set with textContent: stage names and
// failure messages are the application's, never markup.

const SvgNs = 'http://www.w3.org/2000/svg';
const NodeWidth = 170;
const NodeHeight = 64;
const LayerGap = 84;
const RowGap = 34;
const Margin = 24;

const params = new URLSearchParams(location.search);
const token = params.get('token');
let selected = params.has('stream') ? Number(params.get('stream')) : undefined;
let source = null;

const $ = (id) => document.getElementById(id);

function apiUrl(path, extra) {
  const q = new URLSearchParams();
  if (token !== null) q.set('token', token);
  for (const [k, v] of Object.entries(extra ?? {})) if (v !== undefined) q.set(k, String(v));
  const s = q.toString();
  return s === '' ? path : `${path}?${s}`;
}

function formatCount(n) {
  return n.toLocaleString('en-US');
}

function formatRate(r) {
  if (r === 0) return '0/s';
  if (r < 10) return `${r.toFixed(1)}/s`;
  return `${formatCount(Math.round(r))}/s`;
}

function el(tag, attrs, text) {
  const node = tag.startsWith('svg:') ? document.createElementNS(SvgNs, tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) if (v !== undefined && v !== null) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

function connect() {
  if (source !== null) source.close();
  const conn = $('connection');
  conn.dataset.state = 'connecting';
  conn.textContent = 'connecting…';
  source = new EventSource(apiUrl('api/events', { stream: selected }));
  source.addEventListener('update', (event) => {
    conn.dataset.state = 'live';
    conn.textContent = 'live';
    render(JSON.parse(event.data));
  });
  source.addEventListener('error', () => {
    conn.dataset.state = 'disconnected';
    conn.textContent = 'disconnected: retrying';
  });
}

function select(id) {
  selected = id;
  const url = new URL(location.href);
  url.searchParams.set('stream', String(id));
  history.replaceState(null, '', url);
  connect();
}

function render(update) {
  renderList(update.streams, update.selected);
  renderDetail(update.selected);
}

function renderList(streams, view) {
  const list = $('streams');
  list.replaceChildren();
  $('no-streams').hidden = streams.length !== 0;
  for (const s of streams) {
    const button = el('button', {
      type: 'button',
      id: `stream-${s.id}`,
      'data-status': s.status,
      'aria-current': view !== null && view.id === s.id ? 'true' : 'false',
    });
    button.append(el('span', {}, `stream ${s.id} `), el('span', { class: `chip ${chipClass(s.status)}` }, s.status));
    const meta =
      s.holdUp !== undefined ? `held up by ${s.holdUp}` : s.failures > 0 ? `${s.failures} failed stage(s)` : `${formatRate(s.deliveriesPerSecond)} deliveries`;
    button.append(el('span', { class: 'meta' }, `${s.stages} stages · ${meta}`));
    button.addEventListener('click', () => select(s.id));
    const item = el('li');
    item.append(button);
    list.append(item);
  }
}

function chipClass(status) {
  return { running: 'running', stalled: 'failed', completed: 'finished', failed: 'failed' }[status] ?? 'finished';
}

function renderDetail(view) {
  const summary = $('summary');
  const holdup = $('holdup');
  const failures = $('failures');
  const svg = $('graph');
  const body = $('stages').tBodies[0];
  if (view === null) {
    summary.textContent = 'Select a stream.';
    holdup.hidden = true;
    failures.replaceChildren();
    svg.replaceChildren();
    body.replaceChildren();
    return;
  }
  summary.replaceChildren(
    el('strong', {}, `stream ${view.id}`),
    document.createTextNode(' '),
    el('span', { id: 'stream-status', class: `chip ${chipClass(view.status)}` }, view.status),
    el(
      'span',
      { class: 'muted' },
      ` · ${view.islands} island(s) · ${formatRate(view.deliveriesPerSecond)} deliveries` +
        (view.idleMs >= 1000 ? ` · no progress for ${(view.idleMs / 1000).toFixed(0)} s` : ''),
    ),
  );
  if (view.holdUp !== undefined) {
    const why =
      view.holdUp.reason === 'demand without element'
        ? 'it is asked for elements and has none to push yet'
        : 'it does not ask for elements, so everything upstream of it waits';
    const share = view.status === 'stalled' ? 'the stream is stalled' : `in ${Math.round(view.holdUp.share * 100)}% of the recent samples`;
    holdup.textContent = `Holding the stream up: "${view.holdUp.name}" — ${why} (${share}).`;
    holdup.hidden = false;
  } else {
    holdup.hidden = true;
  }
  failures.replaceChildren(
    ...view.failures.map((f) =>
      el('li', { 'data-stage-id': f.stage }, f.origin === f.name ? `${f.name}: ${f.message}` : `${f.name}: ${f.message} (started in "${f.origin}")`),
    ),
  );
  drawGraph(svg, view);
  body.replaceChildren(...view.stages.map((s) => stageRow(s)));
}

function stageRow(s) {
  const row = el('tr', {
    class: s.holdingUp ? 'holding' : undefined,
    'data-stage-id': s.id,
    'data-stage-name': s.name,
    'data-status': s.status,
    'data-holding-up': String(s.holdingUp),
    'data-elements-in': s.elementsIn,
    'data-elements-out': s.elementsOut,
  });
  const notes = [];
  if (s.holdingUp) notes.push('holding the stream up');
  if (s.substream) notes.push('substream');
  if (s.restarts !== undefined) notes.push(`${s.restarts} restart(s)`);
  if (s.failure !== undefined) notes.push(s.failure.message);
  const state = el('td');
  state.append(el('span', { class: `chip ${s.status}` }, s.status));
  row.append(
    el('td', {}, s.name),
    state,
    el('td', { class: 'num' }, formatCount(s.elementsIn)),
    el('td', { class: 'num' }, formatCount(s.elementsOut)),
    el('td', { class: 'num' }, formatRate(s.inRate)),
    el('td', { class: 'num' }, formatRate(s.outRate)),
    el('td', { class: 'num' }, String(s.island)),
    el('td', {}, notes.join('; ')),
  );
  return row;
}

/** Layers: a stage sits one layer right of the furthest stage feeding it (cycles are cut where found). */
function layout(view) {
  const incoming = new Map(view.stages.map((s) => [s.id, []]));
  for (const e of view.edges) if (incoming.has(e.to) && incoming.has(e.from)) incoming.get(e.to).push(e.from);
  const layer = new Map();
  const visiting = new Set();
  const layerOf = (id) => {
    if (layer.has(id)) return layer.get(id);
    if (visiting.has(id)) return 0;
    visiting.add(id);
    let l = 0;
    for (const from of incoming.get(id)) l = Math.max(l, layerOf(from) + 1);
    visiting.delete(id);
    layer.set(id, l);
    return l;
  };
  // Substreams are drawn below the main graph, in their own band.
  const bands = [view.stages.filter((s) => !s.substream), view.stages.filter((s) => s.substream)];
  const pos = new Map();
  let top = Margin;
  let width = 0;
  for (const band of bands) {
    if (band.length === 0) continue;
    const rows = new Map();
    for (const s of band) {
      const l = layerOf(s.id);
      const row = rows.get(l) ?? 0;
      rows.set(l, row + 1);
      pos.set(s.id, { x: Margin + l * (NodeWidth + LayerGap), y: top + row * (NodeHeight + RowGap) });
      width = Math.max(width, Margin * 2 + (l + 1) * NodeWidth + l * LayerGap);
    }
    top += Math.max(...rows.values()) * (NodeHeight + RowGap);
  }
  return { pos, width, height: top - RowGap + Margin };
}

function drawGraph(svg, view) {
  const { pos, width, height } = layout(view);
  svg.setAttribute('width', String(Math.max(width, 300)));
  svg.setAttribute('height', String(Math.max(height, 100)));
  svg.setAttribute('viewBox', `0 0 ${Math.max(width, 300)} ${Math.max(height, 100)}`);
  const edges = el('svg:g', { class: 'edges' });
  for (const e of view.edges) {
    const a = pos.get(e.from);
    const b = pos.get(e.to);
    if (a === undefined || b === undefined) continue;
    const x1 = a.x + NodeWidth;
    const y1 = a.y + NodeHeight / 2;
    const x2 = b.x;
    const y2 = b.y + NodeHeight / 2;
    const back = x2 <= x1;
    const bend = back ? 80 : Math.max(30, (x2 - x1) / 2);
    const d = `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`;
    const classes = ['edge'];
    if (e.boundary !== undefined) classes.push('boundary');
    if (e.rate > 0) classes.push('active');
    const g = el('svg:g', { class: classes.join(' '), 'data-from': e.from, 'data-to': e.to, 'data-elements': e.elements, 'data-rate': e.rate.toFixed(3) });
    g.append(el('svg:path', { d }));
    g.append(el('svg:title', {}, `${e.fromPort} → ${e.toPort}: ${e.state}, ${formatCount(e.elements)} elements`));
    // Rate above the line; below it, the elements so far, or the buffer fill of an async boundary.
    const below = e.boundary !== undefined ? `async ${e.boundary.buffered}/${e.boundary.capacity}` : formatCount(e.elements);
    g.append(el('svg:text', { class: 'rate', x: (x1 + x2) / 2, y: (y1 + y2) / 2 - 6, 'text-anchor': 'middle' }, formatRate(e.rate)));
    g.append(el('svg:text', { class: 'total', x: (x1 + x2) / 2, y: (y1 + y2) / 2 + 15, 'text-anchor': 'middle' }, below));
    edges.append(g);
  }
  const nodes = el('svg:g', { class: 'nodes' });
  for (const s of view.stages) {
    const p = pos.get(s.id);
    const g = el('svg:g', {
      class: s.holdingUp ? 'node holding' : 'node',
      transform: `translate(${p.x},${p.y})`,
      'data-stage-id': s.id,
      'data-stage-name': s.name,
      'data-status': s.status,
      'data-holding-up': String(s.holdingUp),
    });
    g.append(el('svg:rect', { class: 'box', width: NodeWidth, height: NodeHeight }));
    g.append(el('svg:rect', { class: `bar ${s.status}`, width: 6, height: NodeHeight }));
    g.append(el('svg:text', { class: 'name', x: 14, y: 19 }, truncate(s.name, 22)));
    g.append(el('svg:text', { class: 'counts', x: 14, y: 37 }, `in ${formatCount(s.elementsIn)} · out ${formatCount(s.elementsOut)}`));
    const state = s.restarts !== undefined ? `${s.status} · ${s.restarts} restart(s)` : `${s.status} · island ${s.island}`;
    g.append(el('svg:text', { class: 'state', x: 14, y: 54 }, state));
    if (s.holdingUp) g.append(el('svg:text', { class: 'badge', x: NodeWidth, y: -6, 'text-anchor': 'end' }, '⚠ holding the stream up'));
    g.append(el('svg:title', {}, s.failure !== undefined ? `${s.name}: ${s.failure.message}` : `${s.name}: ${s.status} (${s.demand})`));
    nodes.append(g);
  }
  svg.replaceChildren(edges, nodes);
}

function truncate(text, n) {
  return text.length <= n ? text : `${text.slice(0, n - 1)}…`;
}

connect();
