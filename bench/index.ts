/** `npm run bench [-- scenario...]`: runs the benchmark scenarios and prints their tables. */
const SCENARIOS: Record<string, () => Promise<void>> = {}

const wanted = process.argv.slice(2)
const names = wanted.length > 0 ? wanted : Object.keys(SCENARIOS)
if (names.length === 0) {
  console.log('no benchmarks yet')
}
for (const name of names) {
  const run = SCENARIOS[name]
  if (run == null) {
    console.error(`unknown scenario "${name}" (known: ${Object.keys(SCENARIOS).join(', ')})`)
    process.exit(1)
  }
  await run()
}
