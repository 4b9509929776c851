// Drives the VS Code workbench in the browser the way a person does: the editor (see
// workbenchNavigation.ts and workbenchEditor.ts), and the panels — the references peek, code lenses, Problems, the status
// bar and notifications. Every helper waits on something visible with a timeout; none sleeps.
import { EditorWorkbench } from './workbenchEditor';
import { ui, type Problem, type StatusBarItem } from './workbenchNavigation';
import { waitUntil } from './wait';

export type { Problem, StatusBarItem } from './workbenchNavigation';

/** The whole workbench: the editor, and the panels around it. */
export class Workbench extends EditorWorkbench {
  /**
   * Find References (Shift+F12) at the cursor: waits for the peek view's title to count the
   * references and its list to show them; returns the count and the files listed.
   */
  async findReferences(min = 1): Promise<{ count: number; files: string[] }> {
    await this.page.keyboard.press('Shift+F12');
    let seen = '';
    return waitUntil(
      `the references peek lists at least ${min} reference(s)`,
      this.timeoutMs,
      async () => {
        seen = (
          await this.page
            .locator('.peekview-widget .peekview-title')
            .first()
            .innerText()
            .catch(() => '')
        ).replace(/\s+/g, ' ');
        // "References (743)" in the title; one row per file in the list beside the preview.
        const count = Number(/References \((\d+)\)/.exec(seen)?.[1] ?? 0);
        if (count < min) return false;
        const files = (await this.page.locator('.peekview-widget .ref-tree .monaco-list-row').allInnerTexts()).map((t) =>
          t.replace(/\s+/g, ' ').trim(),
        );
        return files.length > 0 ? { count, files } : false;
      },
      () => seen,
    );
  }

  /** Closes a peek view (Escape). */
  async closePeek(): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page
      .locator('.peekview-widget')
      .first()
      .waitFor({ state: 'hidden', timeout: this.timeoutMs })
      .catch(() => undefined);
  }

  /**
   * Waits for at least `min` code lenses in the visible editor (one of them matching `expect`,
   * when given: lenses resolved lazily show their title a moment later) and returns their texts.
   */
  async codeLenses(min = 1, expect?: RegExp): Promise<string[]> {
    let seen: string[] = [];
    return waitUntil(
      `at least ${min} code lens(es) show${expect ? `, one matching ${expect}` : ''}`,
      this.timeoutMs,
      async () => {
        seen = (await this.page.locator(ui.codeLens).allInnerTexts()).map((t) => t.trim()).filter(Boolean);
        return seen.length >= min && (!expect || seen.some((t) => expect.test(t))) ? seen : false;
      },
      () => JSON.stringify(seen),
    );
  }

  /** The problems counter in the status bar (error, then warning icon, each followed by its count). */
  async problemCounts(): Promise<{ errors: number; warnings: number }> {
    const item = this.page.locator(ui.problemsItem).first();
    await item.waitFor({ timeout: this.timeoutMs });
    const [errors = 0, warnings = 0] = (await item.innerText()).match(/\d+/g)?.map(Number) ?? [];
    return { errors, warnings };
  }

  /** Opens the Problems panel and returns its diagnostics, waiting until at least `min` are listed. */
  async problems(min = 1): Promise<Problem[]> {
    if (!(await this.page.locator('.markers-panel').isVisible())) {
      await this.page.locator(ui.problemsItem).first().click();
    }
    let seen: string[] = [];
    return waitUntil(
      `at least ${min} problem(s) are listed`,
      this.timeoutMs,
      async () => {
        seen = await this.page.locator(ui.markersRow).evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? ''));
        const problems = seen.flatMap(parseProblem);
        return problems.length >= min ? problems : false;
      },
      () => JSON.stringify(seen),
    );
  }

  /**
   * Every visible status bar item, read in one pass in the page: read one by one, an item that
   * went away between the count and its read (the status bar changes while a domain is indexed)
   * left Playwright waiting 30 s for it.
   */
  async statusBarItems(): Promise<StatusBarItem[]> {
    // Runs in the page (its DOM, which this project's TypeScript settings do not describe).
    return this.page.locator(ui.statusBarItem).evaluateAll((nodes) => {
      const { getComputedStyle } = globalThis as unknown as { getComputedStyle(node: unknown): { visibility: string } };
      return nodes
        .filter((node) => node.getClientRects().length > 0 && getComputedStyle(node).visibility !== 'hidden')
        .map((node) => ({
          id: node.getAttribute('id') ?? '',
          text: (node as unknown as { innerText: string }).innerText.replace(/\s+/g, ' ').trim(),
          label: node.getAttribute('aria-label') ?? '',
        }));
    });
  }

  /** Waits until a status bar item's text matches and returns it. */
  async waitForStatusBarItem(text: RegExp): Promise<StatusBarItem> {
    return waitUntil(
      `a status bar item matches ${text}`,
      this.timeoutMs,
      async () => (await this.statusBarItems()).find((item) => text.test(item.text)) ?? false,
    );
  }

  /** The messages of the notification toasts shown now (bottom right). */
  async notifications(): Promise<string[]> {
    const toasts = this.page.locator(`${ui.toast} ${ui.toastMessage}`);
    const texts: string[] = [];
    for (const toast of await toasts.all()) {
      if (await toast.isVisible()) texts.push((await toast.innerText()).trim());
    }
    return texts;
  }

  /** Waits until a notification toast's message matches `expect` and returns that message. */
  async waitForNotification(expect: RegExp): Promise<string> {
    let seen: string[] = [];
    return waitUntil(
      `a notification shows ${expect}`,
      this.timeoutMs,
      async () => (seen = await this.notifications()).find((text) => expect.test(text)) ?? false,
      () => JSON.stringify(seen),
    );
  }
}

/** A marker row reads "Warning: <message> at line 1 and character 21. generated by <source>"; file rows don't match. */
function parseProblem(label: string): Problem[] {
  const match = /^(\w+): ([\s\S]*) at line (\d+) and character (\d+)\./.exec(label);
  if (!match) return [];
  return [{ severity: match[1], message: match[2], line: Number(match[3]), col: Number(match[4]), label }];
}
