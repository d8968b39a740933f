// OpenSSL's libcrypto (OpenSSL 3, Debian libssl-dev): GridGRPO uses only its
// EVP message-digest interface, for SHA-256.
#ifndef GRIDGRPO_CCRYPTO_SHIM_H
#define GRIDGRPO_CCRYPTO_SHIM_H
#include <openssl/evp.h>
#endif
