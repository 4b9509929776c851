// Entry point VS Code's extension host loads (`--extensionTestsPath`): runs every scenario in
// order, prints one line per scenario, and rejects if any failed.
import { scenarios } from './scenarios';

export async function run(): Promise<void> {
  const failed: string[] = [];
  for (const scenario of scenarios) {
    const started = Date.now();
    try {
      await scenario.run();
      console.log(`ok   ${scenario.name} (${Date.now() - started} ms)`);
    } catch (err) {
      failed.push(scenario.name);
      console.error(`FAIL ${scenario.name} (${Date.now() - started} ms)\n${err instanceof Error ? err.stack : String(err)}`);
    }
  }
  console.log(`${scenarios.length - failed.length} of ${scenarios.length} scenarios passed`);
  if (failed.length > 0) throw new Error(`failed: ${failed.join('; ')}`);
}
