// Debian 12 ships libjwt 1.10.2: it checks no claims (exp, nbf, iat, iss, aud) and
// accepts an empty key; our Swift wrapper checks all of them itself.
#include <jwt.h>
