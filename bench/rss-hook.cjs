// `node --require bench/rss-hook.cjs …`: writes the process's peak RSS (bytes) to $BENCH_RSS_FILE at exit.
'use strict';
process.on('exit', () => {
  const file = process.env.BENCH_RSS_FILE;
  if (file) require('node:fs').writeFileSync(file, String(process.resourceUsage().maxRSS * 1024));
});
