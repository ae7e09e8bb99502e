/* Test-only: holds a file open the way an editor or a virus scanner does (reading, sharing read
 * and write but not delete), so that replacing it by rename is refused until it lets go.
 *
 *     hold.exe PATH MILLISECONDS
 *
 * Prints "held" once the file is open and "released" once it is closed, each on its own line. */
#include <stdio.h>
#include <stdlib.h>
#include <windows.h>

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: hold.exe PATH MILLISECONDS\n");
        return 2;
    }
    HANDLE h = CreateFileA(argv[1], GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                           OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        fprintf(stderr, "cannot open %s: error %lu\n", argv[1], GetLastError());
        return 1;
    }
    printf("held\n");
    fflush(stdout);
    Sleep((DWORD)atoi(argv[2]));
    CloseHandle(h);
    printf("released\n");
    fflush(stdout);
    return 0;
}
