/**
 * The protocol between the VS Code client and the server beyond LSP: custom requests,
 * notifications and the settings. Imported by both sides; depends on nothing but types.
 */

/** The settings under `nixDomains.*`, as the server receives them. */
export interface Settings {
  /** Files larger than this many bytes are never parsed whole. */
  largeFileThreshold: number;
  diagnostics: {
    /** Report inputs of package functions that name no known package. */
    unknownInputs: boolean;
  };
  trace: { server: 'off' | 'messages' | 'verbose' };
  /** Wall time a request may take before it answers with what it has, in ms. */
  requestTimeoutMs: number;
}

/** Defaults of every setting; a test checks each `nixDomains.*` setting of package.json has one. */
export const DEFAULT_SETTINGS: Settings = {
  largeFileThreshold: 256 * 1024,
  diagnostics: { unknownInputs: true },
  trace: { server: 'off' },
  requestTimeoutMs: 2000,
};

/** What the server reads from the initialize request's initializationOptions: the settings, and what the client can do. */
export interface InitializationOptions extends Partial<Settings> {
  /** False in an untrusted workspace (VS Code's Restricted Mode). */
  trusted?: boolean;
  /** The client runs `command:` links in hovers (the VS Code extension, for SHOW_WAVE_PLAN_COMMAND); others get plain text. */
  commandLinks?: boolean;
}

/** The VS Code command that shows the wave plan; the Waves hover links to it. */
export const SHOW_WAVE_PLAN_COMMAND = 'nixDomains.showWavePlan';

/** State shown in the status bar. */
export interface ServerStatus {
  domain: string;
  indexing: { done: number; total: number } | null;
  files: number;
  packages: number;
  /** The checked-out branch and its wave state. */
  wave?: { branch: string | null; wave: string | null; state: 'green' | 'in progress' | 'no wave' | 'detached' | 'no repository' };
  /** Set when indexing failed; the server keeps answering from what it has. */
  error?: string;
}

/** Server → client: the status changed (domain, index progress). */
export const STATUS_NOTIFICATION = 'nixDomains/status';
/** Client → server: the current status. */
export const STATUS_REQUEST = 'nixDomains/status';

/** Client → server: the wave plan of the domain of a document (or the first domain), rendered. */
export const WAVE_PLAN_REQUEST = 'nixDomains/wavePlan';
export interface WavePlanParams { uri?: string; format: 'markdown' | 'text' | 'json'; branch?: string; package?: string }

/** Client → server: the text of a read-only file of another domain (`nix-domains:/<domain>/<revision>/<path>`). */
export const FILE_CONTENT_REQUEST = 'nixDomains/fileContent';
export interface FileContentParams { uri: string }

/** Client → server: forget fetched stubs and fetch again on next use; or delete the stub cache. */
export const REFRESH_STUBS_REQUEST = 'nixDomains/refreshStubs';
export const CLEAR_STUB_CACHE_REQUEST = 'nixDomains/clearStubCache';

/** Server → client: something the user should know once (a stub that cannot be fetched, an invalid manifest). */
export const PROBLEM_NOTIFICATION = 'nixDomains/problem';
export interface ProblemParams { message: string }

/** What rebuilds if something changes: for the code lens's click and the "show impact" command. */
export interface ImpactList {
  title: string;
  groups: { domain: string; count: number; items: { label: string; uri?: string; line?: number }[] }[];
}

/** Client → server: the impact of the package(s) a file builds. */
export const FILE_IMPACT_REQUEST = 'nixDomains/fileImpact';
export interface FileImpactParams { uri: string }
