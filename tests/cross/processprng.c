/* Test-only stand-in for bcryptprimitives.dll under Wine 8 (Debian 12), never shipped.
 * Rust's std on Windows takes its random numbers (HashMap keys) from ProcessPrng, which
 * Windows 10+ exports from bcryptprimitives.dll and Wine adds only in 9.x: without it the .exe
 * does not even load. This forwards to RtlGenRandom (advapi32's SystemFunction036), which
 * Wine 8 has. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk)) {
            return FALSE;
        }
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
