/* nmapfmt: the nmap version and platform scout names in the texts it writes
 * in nmap's own formats for nmap's tools and forms (OS and service
 * fingerprints).  nmap's parsers take any version; the formats are those
 * of this one. */
#ifndef SCOUT_NMAPFMT_H
#define SCOUT_NMAPFMT_H

#define NMAPFMT_VERSION "7.93"
#if defined(__x86_64__)
#define NMAPFMT_PLATFORM "x86_64-pc-linux-gnu"
#elif defined(__aarch64__)
#define NMAPFMT_PLATFORM "aarch64-unknown-linux-gnu"
#elif defined(__i386__)
#define NMAPFMT_PLATFORM "i686-pc-linux-gnu"
#else
#define NMAPFMT_PLATFORM "unknown-linux-gnu"
#endif

#endif
