// printf-style formatting of doubles without Swift's CVarArg machinery: in a
// statically linked stage, Swift's va_list builder asks the runtime whether
// each argument is passed as a double (a protocol conformance lookup that
// scans every conformance record of the binary on first use, about 0.08 ms
// of every stage's start). Here C passes the doubles itself.
#ifndef GG_FORMAT_H
#define GG_FORMAT_H

#include <stddef.h>

enum { GG_FORMAT_MAX_DOUBLES = 4 };

/// snprintf(buffer, size, format, values[0], …, values[count − 1]): the
/// format's conversions must take exactly `count` doubles (%f, %e, %g, …).
/// Returns snprintf's result, or −1 when count is outside 1…GG_FORMAT_MAX_DOUBLES.
int gg_format_doubles(char *buffer, size_t size, const char *format, const double *values, int count);

#endif
