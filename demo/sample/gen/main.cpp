// pi_sample_gen: builds the sample town websites from demo/sample at build time.
//
//   pi_sample_gen build SRC_DIR OUT_DIR    every site of SRC_DIR/sites into OUT_DIR/sites,
//                                          plus the registry and manifest files
//   pi_sample_gen render FILE.pdm OUT_DIR  the renderings of one document (for authors)
//
// Files under sites/ are copied as they are, except *.pdm sources, which become the
// renderings their %render line asks for (NAME.pdf, NAME.docx, NAME.html).

#include <cairo.h>
#include <fontconfig/fontconfig.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "demo/sample/gen/markup.h"
#include "demo/sample/gen/render.h"

namespace fs = std::filesystem;
using namespace policyindex::sample_gen;

namespace {

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error(p.string() + ": cannot open");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Renders SRC into DIR; returns the files written.
std::vector<fs::path> render_one(const fs::path& src, const fs::path& dir) {
  Doc doc = parse(read_all(src), src.string());
  fs::create_directories(dir);
  std::vector<fs::path> written;
  const std::string stem = src.stem().string();
  std::set<std::string> seen;
  for (const auto& r : doc.renders) {
    std::string ext = r == "scanned" ? "pdf" : r;
    if (!seen.insert(ext).second) {
      throw std::runtime_error(src.string() + ": two renderings write " + stem + "." + ext);
    }
    fs::path out = dir / (stem + "." + ext);
    if (r == "pdf") render_pdf(doc, out);
    if (r == "scanned") render_scanned_pdf(doc, out);
    if (r == "docx") render_docx(doc, out);
    if (r == "html") render_html(doc, out);
    written.push_back(out);
  }
  return written;
}

int build(const fs::path& src, const fs::path& out) {
  const fs::path sites_src = src / "sites";
  if (!fs::is_directory(sites_src))
    throw std::runtime_error(sites_src.string() + ": not a directory");
  fs::remove_all(out / "sites");
  fs::create_directories(out / "sites");
  size_t copied = 0, rendered = 0;
  std::set<fs::path> outputs;
  for (const auto& entry : fs::recursive_directory_iterator(sites_src)) {
    if (!entry.is_regular_file()) continue;
    const fs::path rel = fs::relative(entry.path(), sites_src);
    const fs::path dest_dir = out / "sites" / rel.parent_path();
    std::vector<fs::path> made;
    if (entry.path().extension() == ".pdm") {
      made = render_one(entry.path(), dest_dir);
      rendered += made.size();
    } else {
      fs::create_directories(dest_dir);
      fs::path dest = dest_dir / rel.filename();
      fs::copy_file(entry.path(), dest, fs::copy_options::overwrite_existing);
      made.push_back(dest);
      ++copied;
    }
    for (const auto& m : made) {
      if (!outputs.insert(m).second) {
        throw std::runtime_error(m.string() + ": written twice (a static file and a rendering?)");
      }
    }
  }
  for (const char* name :
       {"sites.tsv", "redirects.tsv", "municipalities.tsv", "sources.tsv", "expected.json"}) {
    fs::copy_file(src / name, out / name, fs::copy_options::overwrite_existing);
  }
  std::ofstream(out / ".stamp") << "copied " << copied << ", rendered " << rendered << "\n";
  std::cout << "pi_sample_gen: " << copied << " files copied, " << rendered << " rendered into "
            << out.string() << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  int rc = 2;
  try {
    if (args.size() == 3 && args[0] == "build") {
      rc = build(args[1], args[2]);
    } else if (args.size() == 3 && args[0] == "render") {
      for (const auto& p : render_one(args[1], args[2])) std::cout << p.string() << "\n";
      rc = 0;
    } else {
      std::cerr << "usage: pi_sample_gen build SRC_DIR OUT_DIR | render FILE.pdm OUT_DIR\n";
    }
  } catch (const std::exception& e) {
    std::cerr << "pi_sample_gen: " << e.what() << "\n";
    rc = 1;
  }
  // Free cairo's and fontconfig's caches so that leak checkers see a clean exit.
  cairo_debug_reset_static_data();
  FcFini();
  return rc;
}
