# Fetch a file over the network. This file is a function returning a function: callPackage
# supplies the first set, and package files call the result with { url, hash }.
{ lib, system }:

{
  url,
  hash,
  name ? baseNameOf (toString url),
  # Fetch the file as-is; set to "recursive" to hash the unpacked tree instead.
  outputHashMode ? "flat",
  ...
}@args:

derivation {
  inherit name url system outputHashMode;
  builder = "builtin:fetchurl";
  outputHash = hash;
  outputHashAlgo = null;
  # Tell the builtin fetcher not to unpack.
  unpack = false;
  executable = false;
  preferLocalBuild = true;
  impureEnvVars = [
    "http_proxy"
    "https_proxy"
  ];
}
