// The editor part of the workbench, as a person reads it: hovers (and the tab's tooltip), F12,
// webviews, the editor's text and its inline messages. Every helper waits on something visible
// (a selector, a text) with a timeout; none sleeps. `workbenchNavigation.ts` opens the files and
// moves the cursor, `workbench.ts` adds the panels.
import { NavigationWorkbench, type Position, ui } from './workbenchNavigation';
import { waitUntil } from './wait';

/** What a hover card says when a part of it is not ready yet (see the server's hover). */
const HOVER_AGAIN = /hover again in a moment/;

/** What F12 led to: the active editor tab and the cursor in it. */
export interface Jump extends Position {
  tab: string;
}

/** The workbench's editor: hovers, tabs, jumps, what it shows. */
export class EditorWorkbench extends NavigationWorkbench {
  /**
   * Shows the hover at the cursor (Ctrl+K Ctrl+I) and returns its text once it has content
   * (`expect`, when given, must match too — a hover can grow as providers answer). A card that
   * asks to be hovered again (its impact and waves still being computed) is closed and shown
   * again, as a person would, at most every half second, until `expect` matches.
   */
  async hover(expect?: RegExp): Promise<string> {
    const show = async () => {
      await this.page.keyboard.press('Control+K');
      await this.page.keyboard.press('Control+I');
      return Date.now();
    };
    const until = Date.now() + this.timeoutMs;
    let shown = await show();
    const hover = this.page.locator(ui.hover).first();
    let seen = '';
    let shows = 1;
    return waitUntil(
      `the hover shows ${expect ?? 'content'}`,
      this.timeoutMs,
      async () => {
        if (!(await hover.isVisible())) return false;
        seen = (await hover.innerText()).trim();
        if (!seen || /^Loading/.test(seen)) return false;
        if (!expect || expect.test(seen)) return seen;
        if (HOVER_AGAIN.test(seen) && Date.now() - shown >= 500) {
          // Within this wait's own time: a card that does not close leaves the wait to say what it saw last.
          await this.page.keyboard.press('Escape');
          const closed = await hover
            .waitFor({ state: 'hidden', timeout: Math.max(1, until - Date.now()) })
            .then(() => true)
            .catch(() => false);
          if (closed) {
            shown = await show();
            shows++;
          }
        }
        return false;
      },
      () => `${JSON.stringify(seen)} (shown ${shows} times)`,
    );
  }

  /** Hover at a position: moves the cursor there first. */
  async hoverAt(line: number, col: number, expect?: RegExp): Promise<string> {
    await this.goTo(line, col);
    return this.hover(expect);
  }

  /**
   * Makes the open hover `by` pixels taller by dragging its lower edge (VS Code caps a hover at
   * a quarter of the editor's height, 250 px at least), so a screenshot shows a long card whole.
   * Resolves once the hover has grown.
   */
  async enlargeHover(by: number): Promise<void> {
    const hover = this.page.locator(ui.hover).first();
    const before = await hover.boundingBox();
    if (!before) throw new Error('no hover is open');
    const bottom = before.y + before.height;
    // The resizable hover's sashes; the lower one sits on the hover's bottom edge.
    const sashes = await this.page.locator('.monaco-resizable-hover .monaco-sash.horizontal').all();
    let target: { x: number; y: number } | undefined;
    for (const sash of sashes) {
      const box = await sash.boundingBox();
      if (box && Math.abs(box.y + box.height / 2 - bottom) < 8) target = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    }
    if (!target) throw new Error(`no sash on the hover's lower edge (y ${bottom}; ${sashes.length} sashes)`);
    await this.page.mouse.move(target.x, target.y);
    await this.page.mouse.down();
    await this.page.mouse.move(target.x, target.y + by, { steps: 8 });
    await this.page.mouse.up();
    await waitUntil(
      `the hover grows by ${by} px`,
      this.timeoutMs,
      async () => ((await hover.boundingBox())?.height ?? 0) > before.height + by / 2,
    );
  }

  /** Clicks the link of the open hover whose text matches `text` (a `command:` link runs its command). */
  async clickHoverLink(text: RegExp): Promise<void> {
    const link = this.page.locator(`${ui.hover} a`).filter({ hasText: text }).first();
    await link.waitFor({ timeout: this.timeoutMs });
    await link.click();
  }

  /** Closes an open hover or widget (Escape) and waits until it is gone. */
  async dismissHover(): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.locator(ui.hover).first().waitFor({ state: 'hidden', timeout: this.timeoutMs });
  }

  /**
   * Rests the pointer on the active editor tab until its tooltip (the document's path) matches
   * `expect`, and returns the tooltip; the pointer stays there (`screenshot(name, { keepPointer: true })`).
   */
  async hoverActiveTab(expect: RegExp): Promise<string> {
    await this.page.locator(ui.activeTab).first().hover();
    const tooltip = this.page.locator('.workbench-hover-container, .monaco-hover:not(.hidden)').first();
    let seen = '';
    return waitUntil(
      `the active tab's tooltip shows ${expect}`,
      this.timeoutMs,
      async () => {
        seen = (await tooltip.isVisible()) ? (await tooltip.innerText()).trim() : '';
        return expect.test(seen) ? seen : false;
      },
      () => JSON.stringify(seen),
    );
  }

  /**
   * The text of a webview (a Markdown preview, say) once it matches `expect`. Webviews are
   * nested iframes; every frame of the page is read until one matches.
   */
  async webviewText(expect: RegExp): Promise<string> {
    let seen: string[] = [];
    return waitUntil(
      `a webview shows ${expect}`,
      this.timeoutMs,
      async () => {
        seen = [];
        for (const frame of this.page.frames()) {
          if (frame === this.page.mainFrame()) continue;
          const text = await frame
            .locator('body')
            .innerText({ timeout: 1_000 })
            .catch(() => '');
          seen.push(text.slice(0, 80));
          if (expect.test(text)) return text;
        }
        return false;
      },
      () => JSON.stringify(seen),
    );
  }

  /**
   * Presses F12 and waits until the active tab or the cursor changes, and, when `expected` is
   * given, until the landing place matches it; returns where it landed.
   */
  async goToDefinition(expected?: Partial<Jump>): Promise<Jump> {
    const before = await this.jumpState();
    await this.page.keyboard.press('F12');
    let seen = before;
    return waitUntil(
      `F12 lands ${expected ? JSON.stringify(expected) : 'somewhere new'}`,
      this.timeoutMs,
      async () => {
        seen = await this.jumpState();
        const moved = seen.tab !== before.tab || seen.line !== before.line || seen.col !== before.col;
        if (!moved) return false;
        // The status bar renders the new editor's cursor on an animation frame after the tab
        // switches: let two frames pass, then read again.
        await this.nextFrames();
        seen = await this.jumpState();
        const matches = !expected || Object.entries(expected).every(([k, v]) => seen[k as keyof Jump] === v);
        return matches ? seen : false;
      },
      () => JSON.stringify(seen),
    );
  }

  /** Resolves after the workbench has rendered two more animation frames. */
  async nextFrames(): Promise<void> {
    // A string, not a function: tsx compiles functions with esbuild's keepNames, and the
    // `__name` helper it inserts does not exist inside the page.
    await this.page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
  }

  private async jumpState(): Promise<Jump> {
    return { tab: await this.activeTab(), ...(await this.cursor()) };
  }

  /** The text of the active editor's rendered lines (only the lines in view). */
  async editorText(): Promise<string> {
    const lines = this.page.locator(ui.activeEditorText).first();
    await lines.waitFor({ timeout: this.timeoutMs });
    // The editor renders spaces as no-break spaces.
    return (await lines.innerText()).replace(/\u00a0/g, ' ');
  }

  /**
   * Waits until the active editor shows an inline message matching `expect` (VS Code's
   * "Cannot edit in read-only editor", "No definition found for …") and returns it.
   */
  async waitForEditorMessage(expect: RegExp): Promise<string> {
    const message = this.page.locator(ui.overlayMessage).first();
    let seen = '';
    return waitUntil(
      `the editor shows the message ${expect}`,
      this.timeoutMs,
      async () => {
        seen = (await message.isVisible()) ? (await message.innerText()).trim() : '';
        return expect.test(seen) ? seen : false;
      },
      () => JSON.stringify(seen),
    );
  }

  /** Types `text` into the active editor, expecting it to be read-only: returns VS Code's message saying so. */
  async typeIntoReadOnlyEditor(text: string): Promise<string> {
    await this.page.keyboard.type(text);
    return this.waitForEditorMessage(/read-?only/i);
  }
}
