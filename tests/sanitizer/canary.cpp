// Proof that the sanitizers of a LUPE_SANITIZE build are live, so that "the suite passes
// under sanitizers" means something: `canary leak` leaks, `canary overflow` overflows a
// signed int. CTest expects the sanitizer's report from each (tests/CMakeLists.txt).
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {
void* volatile kept;  // volatile: the allocation and the overflow cannot be optimised away
volatile int big = INT_MAX;
}  // namespace

int main(int argc, char** argv) {
    if (argc == 2 && std::strcmp(argv[1], "leak") == 0) {
        kept = std::malloc(77);
        kept = nullptr;  // the only pointer to it is gone: LeakSanitizer reports it at exit
        return 0;
    }
    if (argc == 2 && std::strcmp(argv[1], "overflow") == 0) {
        const int sum = big + argc;  // INT_MAX + 2
        std::printf("%d\n", sum);
        return 0;
    }
    std::fprintf(stderr, "usage: canary leak|overflow\n");
    return 2;
}
