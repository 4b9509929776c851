// Words the generator builds names, descriptions and people from. Names are made of syllables
// so that tens of thousands of them stay unique, pronounceable and valid Nix identifiers.
import type { Random } from './random.js';

const SYLLABLES = [
  'ab',
  'ar',
  'ba',
  'bel',
  'bo',
  'ca',
  'cor',
  'da',
  'del',
  'do',
  'el',
  'en',
  'fa',
  'fer',
  'fo',
  'ga',
  'gi',
  'gor',
  'ha',
  'hel',
  'i',
  'ka',
  'kel',
  'ko',
  'la',
  'li',
  'lo',
  'ma',
  'mer',
  'mi',
  'mo',
  'na',
  'nel',
  'no',
  'o',
  'pa',
  'per',
  'po',
  'qua',
  'ra',
  'rel',
  'ri',
  'ro',
  'sa',
  'sel',
  'si',
  'so',
  'ta',
  'tel',
  'ti',
  'to',
  'u',
  'va',
  'vel',
  'vi',
  'wa',
  'xa',
  'ya',
  'za',
  'zel',
];
const PREFIXES = ['lib', 'py', 'x', 'g', 'k', 'open', 'gnome-', 'kde-', 'perl-', 'hs-'];
const SUFFIXES = ['-utils', '-cli', '-tools', '-server', '-daemon', '-gtk', '-qt', '2', '3', '_4', '-bin', '-ng', 'fs', 'db'];
const KEYWORDS = new Set(['if', 'then', 'else', 'let', 'in', 'rec', 'with', 'inherit', 'assert', 'or']);

/** Infrastructure attributes package files take as inputs; never generated as package names. */
const AMBIENT = [
  'lib',
  'stdenv',
  'fetchurl',
  'fetchFromGitHub',
  'fetchPypi',
  'callPackage',
  'darwin',
  'Security',
  'gcc12Stdenv',
  'openssl_3',
  'rustPlatform',
  'buildPythonPackage',
  'pytestCheckHook',
  'mkTclDerivation',
  'python3Packages',
  'tclPackages',
  'writeShellScript',
  'newScope',
];

/** Real, well-known low-level packages so that popular inputs look familiar. */
export const WELL_KNOWN = [
  'zlib',
  'xz',
  'bzip2',
  'expat',
  'gmp',
  'ncurses',
  'libffi',
  'pcre2',
  'openssl',
  'pkg-config',
  'cmake',
  'ninja',
  'meson',
  'perl',
  'gettext',
  'readline',
  'sqlite',
  'curl',
  'libxml2',
  'glib',
  'python3',
  'autoconf',
  'automake',
  'libtool',
  'rustc',
  'cargo',
  'gtk3',
  'qt6',
  'boost',
  'llvm',
];

/** Python packages with real names, at the bottom of the Python set. */
export const PYTHON_KNOWN = ['setuptools', 'pytest', 'requests', 'six'];

/** Inputs that go to nativeBuildInputs rather than buildInputs. */
export const BUILD_TOOLS = new Set([
  'pkg-config',
  'cmake',
  'ninja',
  'meson',
  'perl',
  'gettext',
  'autoconf',
  'automake',
  'libtool',
  'python3',
  'rustc',
  'cargo',
]);

/** Hands out names no other package, input or missing reference has. */
export class NameSource {
  private readonly taken = new Set<string>([...AMBIENT, ...WELL_KNOWN, ...PYTHON_KNOWN]);

  constructor(private readonly random: Random) {}

  /** A fresh package name; `style` shapes it like the set it belongs to. */
  fresh(style: 'top' | 'python' | 'tcl' | 'rust'): string {
    for (;;) {
      const name = this.candidate(style);
      if (!this.taken.has(name) && !KEYWORDS.has(name)) {
        this.taken.add(name);
        return name;
      }
    }
  }

  private candidate(style: 'top' | 'python' | 'tcl' | 'rust'): string {
    const r = this.random;
    let stem = '';
    const syllables = r.int(2, 4);
    for (let i = 0; i < syllables; i++) stem += r.pick(SYLLABLES);
    if (style === 'python') return r.chance(0.3) ? `py${stem}` : r.chance(0.3) ? `${stem}-${r.pick(SYLLABLES)}${r.pick(SYLLABLES)}` : stem;
    if (style === 'tcl') return r.chance(0.5) ? `tcl${stem}` : stem;
    if (style === 'rust') return r.chance(0.4) ? `${stem}-rs` : r.chance(0.3) ? `cargo-${stem}` : stem;
    let name = stem;
    if (r.chance(0.25)) name = r.pick(PREFIXES) + name;
    if (r.chance(0.2)) name += r.pick(SUFFIXES);
    // A few capitalised names (nixpkgs has SDL2, Xaw3d) exercise the lower-cased shard.
    if (r.chance(0.01)) name = name[0].toUpperCase() + name.slice(1);
    return name;
  }
}

const FIRST = [
  'Anna',
  'Bram',
  'Chen',
  'Dmitri',
  'Elif',
  'Femi',
  'Greta',
  'Hiro',
  'Ines',
  'Jonas',
  'Kavya',
  'Lars',
  'Mei',
  'Nadia',
  'Oskar',
  'Priya',
  'Quentin',
  'Rosa',
  'Sven',
  'Tomás',
  'Ulla',
  'Vera',
  'Wojciech',
  'Xiadani',
  'Yusuf',
  'Zoë',
  'Jörg',
  'Łukasz',
  'Søren',
  'Ælfred',
  'François',
  'José',
];
const LAST = [
  'Andersen',
  'Bakker',
  'Costa',
  'Dubois',
  'Eriksson',
  'Fischer',
  'García',
  'Horvath',
  'Ivanova',
  'Jansen',
  'Kowalski',
  'Lindqvist',
  'Müller',
  'Nakamura',
  'Okafor',
  'Petrović',
  'Quispe',
  'Rossi',
  'Schmidt',
  'Tanaka',
  'Ueda',
  'Virtanen',
  'Wang',
  'Yılmaz',
  'Zhang',
  'Ødegaard',
];
const WHOLE_NAMES = ['李明', '山田太郎', 'Αλέξανδρος Παπαδόπουλος', 'Иван Петров', 'محمد علي', 'Nguyễn Văn An'];

/** A person's display name; a few are in scripts other than Latin. */
export function personName(random: Random): string {
  if (random.chance(0.03)) return random.pick(WHOLE_NAMES);
  return `${random.pick(FIRST)} ${random.pick(LAST)}`;
}

const ADJECTIVES = ['Fast', 'Small', 'Portable', 'Modern', 'Simple', 'Lightweight', 'Extensible', 'Secure', 'Minimal', 'Cross-platform'];
const NOUNS = [
  'library for parsing TOML documents',
  'command-line tool to manage dotfiles',
  'HTTP client',
  'image viewer',
  'terminal multiplexer',
  'compression library',
  'build system',
  'password manager',
  'static site generator',
  'network monitor',
  'font rendering engine',
  'audio player',
  'database engine',
  'regular expression library',
  'text editor',
  'backup utility',
];

/** A one-line meta.description. */
export function description(random: Random): string {
  return `${random.pick(ADJECTIVES)} ${random.pick(NOUNS)}`;
}

/** A version string in one of the shapes nixpkgs sees most. */
export function version(random: Random): string {
  const shape = random.int(0, 9);
  if (shape < 6) return `${random.int(0, 4)}.${random.int(0, 30)}.${random.int(0, 20)}`;
  if (shape < 8) return `${random.int(0, 12)}.${random.int(0, 9)}`;
  return `${random.int(2019, 2025)}.${String(random.int(1, 12)).padStart(2, '0')}.${String(random.int(1, 28)).padStart(2, '0')}`;
}
