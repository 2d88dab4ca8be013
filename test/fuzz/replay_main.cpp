// Runs a fuzz target's LLVMFuzzerTestOneInput over files without libFuzzer, so gcc builds (and the
// ASan/UBSan job) exercise the committed seed corpora. Every strict prefix of each file runs too: truncated
// captures are the commonest bad input. Each input gets its own exactly-sized heap block so ASan flags a
// read one byte past the end.
//
//   fuzz_<name> FILE_OR_DIR...     (arguments starting with '-' are ignored, as libFuzzer flags)
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

namespace {

void run_one(const std::vector<std::uint8_t>& bytes, std::size_t n) {
  auto copy = std::make_unique<std::uint8_t[]>(n == 0 ? 1 : n);
  if (n != 0) std::memcpy(copy.get(), bytes.data(), n);
  LLVMFuzzerTestOneInput(copy.get(), n);
}

}  // namespace

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    if (argv[i][0] == '-') continue;
    fs::path p(argv[i]);
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      for (const auto& e : fs::directory_iterator(p))
        if (e.is_regular_file()) files.push_back(e.path());
    } else if (fs::is_regular_file(p, ec)) {
      files.push_back(p);
    } else {
      std::fprintf(stderr, "%s: no such file or directory\n", argv[i]);
      return 2;
    }
  }
  // An empty corpus would make the replay test pass while testing nothing.
  if (files.empty()) {
    std::fprintf(stderr, "usage: %s FILE_OR_DIR... (no input files found)\n", argv[0]);
    return 2;
  }
  std::sort(files.begin(), files.end());
  std::size_t inputs = 0;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) {
      std::fprintf(stderr, "%s: read error\n", f.c_str());
      return 2;
    }
    std::fprintf(stderr, "replay %s (%zu bytes)\n", f.c_str(), bytes.size());
    for (std::size_t n = 0; n <= bytes.size(); ++n, ++inputs)
      run_one(bytes, n);
  }
  std::fprintf(stderr, "replayed %zu files, %zu inputs with their prefixes: ok\n", files.size(), inputs);
  return 0;
}
