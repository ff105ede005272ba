// libgit2's start-up, made cheaper (docs/design.md §10, "Start-up").
//
// Debian's libgit2 uses mbedTLS for HTTPS and, inside git_libgit2_init, parses the whole system
// CA bundle (/etc/ssl/certs/ca-certificates.crt, some 140 certificates) through
// mbedtls_x509_crt_parse_file: measured at 13–20 ms of every docket command that opens a
// repository, more than the rest of a `docket list` at 100,000 exceptions. docket never uses
// libgit2's network transports: every fetch and push runs stock git (store/git_process.cpp),
// which verifies TLS itself.
//
// This definition in the executable takes precedence over libmbedx509's (ELF symbol
// interposition: the dynamic linker searches the executable first; the link exports it with
// --export-dynamic-symbol, src/cli/CMakeLists.txt). It reports the file as unreadable, so
// libgit2 starts with no CA chain: were a libgit2 HTTPS transport ever used, certificate
// verification would fail closed, never pass. tests/integration/test_foundation.sh checks that
// the bundle is not read.

extern "C" int mbedtls_x509_crt_parse_file(void* chain, const char* path);

extern "C" int mbedtls_x509_crt_parse_file(void* /*chain*/, const char* /*path*/) {
  return -0x2900;  // MBEDTLS_ERR_X509_FILE_IO_ERROR
}
