/*
  List of package maintainers.

  Every entry is referenced from package files as `lib.maintainers.<handle>`, for
  example `meta.maintainers = with lib.maintainers; [ alice ];`.

  The handle is usually the GitHub login. It must be a valid Nix identifier, so a
  login that starts with a digit is quoted ("1example") and one that starts with
  "0x" gets a leading underscore (_0x4A6F).

  An entry has this shape (only `name` is required):

    handle = {
      # Required
      name = "Your name";

      # Optional, but at least one of email, matrix or github must be given
      email = "address@example.org";
      matrix = "@user:example.org";
      github = "GithubUsername";
      githubId = your-github-id;

      keys = [ { fingerprint = "AAAA BBBB CCCC DDDD EEEE  FFFF 0000 1111 2222 3333"; } ];
    };

  where

  - `handle` is the handle you are going to use in package files,
  - `name` is your full name, as you would like it to appear,
  - `email` is your maintainer email address,
  - `matrix` is your Matrix user ID,
  - `github` is your GitHub handle (as it appears in the URL of your profile page,
    `https://github.com/<userhandle>`),
  - `githubId` is your GitHub user ID, which can be found at
    `https://api.github.com/users/<userhandle>`,
  - `keys` is a list of your PGP/GPG key fingerprints.

  Specifying a GitHub account ensures that you automatically:
  - get invited to the organisation of the domains you maintain packages in,
  - are requested as a reviewer on pull requests that touch your packages.

  Entries are sorted alphabetically by handle, ignoring case and a leading underscore
  or quote. Adding yourself here is a pull request of its own; please keep it separate
  from the package it is for.

  The people below are fictional; the addresses are on example domains.
*/
{
  "1example" = {
    email = "one@example.org";
    github = "1example";
    githubId = 1000001;
    name = "Uno Example";
  };
  _0x4A6F = {
    email = "mail-maintainer@0x4a6f.example";
    matrix = "@0x4a6f:matrix.example.org";
    name = "Joachim Ernst-Example";
    github = "0x4A6F";
    githubId = 1000002;
    keys = [ { fingerprint = "F466 A548 AD3F C1F1 8C88  4576 8702 7528 B006 D66D"; } ];
  };
  _3noch = {
    email = "trinity@example.net";
    github = "3noch";
    githubId = 1000003;
    name = "Elliot Tri";
  };
  alice = {
    email = "alice@example.org";
    matrix = "@alice:matrix.example.org";
    github = "alice-example";
    githubId = 1000004;
    name = "Alice Liddell";
    keys = [ { fingerprint = "3C2B 4B07 9E6A 11D2 0A94  5D7A 18C1 0E2F 7E7B 33A1"; } ];
  };
  anna = {
    email = "anna@example.org";
    github = "anna-k";
    githubId = 1000005;
    name = "Anna Kowalska";
  };
  ben = {
    email = "ben@example.com";
    github = "benoit";
    githubId = 1000006;
    name = "Benoît Lefèvre";
  };
  bob = {
    email = "bob@example.org";
    matrix = "@bob:matrix.example.org";
    github = "bob-example";
    githubId = 1000007;
    name = "Bob Builder";
  };
  carol = {
    email = "carol@example.org";
    github = "carol-example";
    githubId = 1000008;
    name = "Carol Danvers";
    keys = [
      { fingerprint = "7A1F 93C0 2D4B 8E6A 51F0  C2D9 3B8E 4A70 6C19 E2D5"; }
      { fingerprint = "0B9E 5D1C 7F32 A84E 69C0  1D7B 2E5F 8A93 C4D6 10EB"; }
    ];
  };
  chloe = {
    email = "chloe@example.fr";
    github = "chloe-m";
    githubId = 1000009;
    name = "Chloé Marchand";
  };
  dave = {
    email = "dave@example.org";
    github = "dave-example";
    githubId = 1000010;
    name = "Dave Lister";
  };
  eleni = {
    email = "eleni@example.gr";
    matrix = "@eleni:matrix.example.org";
    github = "eleni-p";
    githubId = 1000011;
    name = "Ελένη Παπαδοπούλου";
  };
  erin = {
    email = "erin@example.ie";
    github = "erin-oc";
    githubId = 1000012;
    name = "Erin O'Connor";
  };
  frank = {
    email = "frank@example.de";
    github = "frank-example";
    githubId = 1000013;
    name = "Frank Müller";
  };
  grace = {
    email = "grace@example.org";
    github = "grace-h";
    githubId = 1000014;
    name = "Grace Hopper-Example";
    keys = [ { fingerprint = "D1E2 F3A4 B5C6 D7E8 F9A0  B1C2 D3E4 F5A6 B7C8 D9E0"; } ];
  };
  hiro = {
    email = "hiro@example.jp";
    github = "hiro-t";
    githubId = 1000015;
    name = "田中 裕";
  };
  ines = {
    email = "ines@example.pt";
    github = "ines-n";
    githubId = 1000016;
    name = "Inês Nunes";
  };
  ivan = {
    email = "ivan@example.ru";
    matrix = "@ivan:matrix.example.org";
    github = "ivan-example";
    githubId = 1000017;
    name = "Иван Петров";
  };
  jane = {
    email = "jane@example.org";
    github = "jane-example";
    githubId = 1000018;
    name = "Jane Doe";
  };
  jose = {
    email = "jose@example.es";
    github = "jose-n";
    githubId = 1000019;
    name = "José Núñez";
  };
  kai = {
    email = "kai@example.org";
    github = "kai-example";
    githubId = 1000020;
    name = "Kai Nakamura";
  };
  lars = {
    email = "lars@example.se";
    github = "lars-a";
    githubId = 1000021;
    name = "Lars Ångström";
  };
  lukasz = {
    email = "lukasz@example.pl";
    github = "lukasz-z";
    githubId = 1000022;
    name = "Łukasz Żółć";
  };
  mallory = {
    email = "mallory@example.org";
    github = "mallory-example";
    githubId = 1000023;
    name = "Mallory Malicious";
  };
  noor = {
    email = "noor@example.org";
    github = "noor-h";
    githubId = 1000024;
    name = "نور حسن";
  };
  oscar = {
    email = "oscar@example.org";
    matrix = "@oscar:matrix.example.org";
    name = "Oscar Wilde-Example";
  };
  priya = {
    email = "priya@example.in";
    github = "priya-s";
    githubId = 1000025;
    name = "प्रिया शर्मा";
  };
  quinn = {
    github = "quinn-example";
    githubId = 1000026;
    name = "Quinn";
  };
  rust-team-bot = {
    email = "rust-bot@example.org";
    github = "rust-team-bot";
    githubId = 1000027;
    name = "Rust domain bot";
  };
  sven = {
    email = "sven@example.no";
    github = "sven-example";
    githubId = 1000028;
    name = "Sven Ødegård";
  };
  trent = {
    email = "trent@example.org";
    github = "trent-example";
    githubId = 1000029;
    name = "Trent Reviewer";
  };
  zoe = {
    email = "zoe@example.org";
    github = "zoe-a";
    githubId = 1000030;
    name = "Zoë Adler";
  };
}
