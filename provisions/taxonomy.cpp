// Loading and validating the taxonomy TOML (toml++), and compiling it into the term table
// and rules the tagger runs.

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include <toml++/toml.h>

#include "provisions/internal.h"

extern const char pi_taxonomy_toml[];

namespace policyindex::provisions {

namespace {

// Thrown inside the loader only; converted to Result at its edge.
struct LoadError {
  std::string message;
};

class Loader {
 public:
  explicit Loader(std::string name) : name_(std::move(name)) {}

  [[noreturn]] void fail(const toml::source_region& where, const std::string& what) const {
    throw LoadError{name_ + ":" + std::to_string(where.begin.line) + ": " + what};
  }
  [[noreturn]] void fail(const toml::node& node, const std::string& what) const { fail(node.source(), what); }

  // Every key of TABLE must be one of ALLOWED.
  void check_keys(const toml::table& table, std::initializer_list<std::string_view> allowed,
                  const std::string& where) const {
    for (auto&& [key, node] : table) {
      if (std::find(allowed.begin(), allowed.end(), key.str()) == allowed.end()) {
        std::string list;
        for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        fail(key.source().begin.line ? key.source() : node.source(),
             "unknown key '" + std::string(key.str()) + "' in " + where + " (expected one of: " + list + ")");
      }
    }
  }

  std::string get_string(const toml::table& t, std::string_view key, const std::string& where,
                         bool required, const toml::node& parent) const {
    const toml::node* n = t.get(key);
    if (!n) {
      if (required) fail(parent, where + ": missing '" + std::string(key) + "'");
      return {};
    }
    if (!n->is_string()) fail(*n, where + ": '" + std::string(key) + "' must be a string");
    return n->as_string()->get();
  }

  std::optional<int64_t> get_int(const toml::table& t, std::string_view key, const std::string& where,
                                 int64_t lo, int64_t hi) const {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    if (!n->is_integer()) fail(*n, where + ": '" + std::string(key) + "' must be an integer");
    int64_t v = n->as_integer()->get();
    if (v < lo || v > hi) {
      fail(*n, where + ": '" + std::string(key) + "' must be between " + std::to_string(lo) + " and " +
                   std::to_string(hi));
    }
    return v;
  }

  std::optional<bool> get_bool(const toml::table& t, std::string_view key, const std::string& where) const {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    if (!n->is_boolean()) fail(*n, where + ": '" + std::string(key) + "' must be true or false");
    return n->as_boolean()->get();
  }

  std::optional<Stance> get_stance(const toml::table& t, std::string_view key, const std::string& where) const {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    if (!n->is_string()) fail(*n, where + ": '" + std::string(key) + "' must be a string");
    auto s = parse_stance(n->as_string()->get());
    if (!s) {
      fail(*n, where + ": '" + std::string(key) + "' must be protective, permissive or neutral, not '" +
                   n->as_string()->get() + "'");
    }
    return s;
  }

  // An array of strings (or an empty array).
  std::vector<std::pair<std::string, const toml::node*>> get_strings(const toml::node& n,
                                                                     const std::string& where) const {
    const toml::array* arr = n.as_array();
    if (!arr) fail(n, where + " must be an array of strings");
    std::vector<std::pair<std::string, const toml::node*>> out;
    for (const auto& e : *arr) {
      if (!e.is_string()) fail(e.source().begin.line ? e : n, where + " must contain strings only");
      out.emplace_back(e.as_string()->get(), &e);
    }
    return out;
  }

 private:
  std::string name_;
};

uint64_t fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

Result<std::shared_ptr<const Taxonomy>> compile(std::string_view content, const std::string& name) {
  auto impl = std::make_unique<Taxonomy::Impl>();
  impl->source_name = name;
  Loader L(name);
  try {
    toml::table root = toml::parse(content, name);
    const toml::node& root_node = root;
    L.check_keys(root, {"schema", "version", "settings", "cues", "heading_cue", "lists", "provision"},
                 "the taxonomy");
    if (auto schema = L.get_int(root, "schema", "the taxonomy", 1, 1000); schema && *schema != 1) {
      L.fail(*root.get("schema"), "unsupported schema " + std::to_string(*schema) + " (this build reads 1)");
    }
    std::string declared = L.get_string(root, "version", "the taxonomy", false, root_node);

    // [settings]
    if (const toml::node* n = root.get("settings")) {
      const toml::table* t = n->as_table();
      if (!t) L.fail(*n, "[settings] must be a table");
      L.check_keys(*t, {"scope_before", "scope_after", "min_quote_words"}, "[settings]");
      if (auto v = L.get_int(*t, "scope_before", "[settings]", 0, 200)) impl->settings.scope_before = int(*v);
      if (auto v = L.get_int(*t, "scope_after", "[settings]", 0, 200)) impl->settings.scope_after = int(*v);
      if (auto v = L.get_int(*t, "min_quote_words", "[settings]", 1, 100)) {
        impl->settings.min_quote_words = int(*v);
      }
    }

    // [lists]: named term lists, "@name" in rules.
    std::map<std::string, std::vector<std::pair<std::string, const toml::node*>>> lists;
    if (const toml::node* n = root.get("lists")) {
      const toml::table* t = n->as_table();
      if (!t) L.fail(*n, "[lists] must be a table");
      for (auto&& [key, node] : *t) {
        lists[std::string(key.str())] = L.get_strings(node, "[lists]." + std::string(key.str()));
      }
    }

    auto add_term = [&](const std::string& text, const toml::node& where, const std::string& ctx) {
      auto words = term_words(text);
      if (words.empty()) L.fail(where, ctx + ": term '" + text + "' has no words");
      for (const auto& w : words) {
        if (w == "*" || w == "^*") L.fail(where, ctx + ": term '" + text + "' has a bare '*'");
      }
      return impl->intern(text, words);
    };
    // Expands "@list" references; returns term ids.
    auto term_group = [&](const toml::node& n, const std::string& ctx) {
      std::vector<uint32_t> ids;
      for (const auto& [text, node] : L.get_strings(n, ctx)) {
        if (!text.empty() && text[0] == '@') {
          auto it = lists.find(text.substr(1));
          if (it == lists.end()) L.fail(*node, ctx + ": unknown list '" + text + "' (define it under [lists])");
          for (const auto& [t2, n2] : it->second) ids.push_back(add_term(t2, *n2, "[lists]." + text.substr(1)));
        } else {
          ids.push_back(add_term(text, *node, ctx));
        }
      }
      std::sort(ids.begin(), ids.end());
      ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
      return ids;
    };

    // [cues]
    if (const toml::node* n = root.get("cues")) {
      const toml::table* t = n->as_table();
      if (!t) L.fail(*n, "[cues] must be a table");
      static const std::pair<std::string_view, uint32_t> kCues[] = {
          {"negation", kCueNegation},       {"negative_predicates", kCueNegPredicate},
          {"restrictive", kCueRestrictive}, {"modality", kCueModality},
          {"permission", kCuePermission},   {"exception", kCueException},
          {"savings", kCueSavings},         {"commentary", kCueCommentary},
          {"definition", kCueDefinition},   {"condition", kCueCondition},
          {"neutral", kCueNeutral},         {"exception_permits", kCueExceptionPermits},
          {"descriptive", kCueDescriptive}, {"reported", kCueReported}};
      L.check_keys(*t, {"negation", "negative_predicates", "restrictive", "modality", "permission", "exception",
                        "savings", "commentary", "definition", "condition", "neutral", "exception_permits",
                        "descriptive", "reported"},
                   "[cues]");
      for (const auto& [key, bit] : kCues) {
        if (const toml::node* c = t->get(key)) {
          for (uint32_t id : term_group(*c, "[cues]." + std::string(key))) impl->term_cues[id] |= bit;
        }
      }
    }

    // [[provision]]
    std::map<std::string, size_t> index;
    const toml::node* provs = root.get("provision");
    if (!provs) L.fail(root_node, "the taxonomy has no [[provision]]");
    const toml::array* parr = provs->as_array();
    if (!parr || !parr->is_array_of_tables()) L.fail(*provs, "'provision' must be an array of tables ([[provision]])");
    struct PendingSuppress {
      size_t rule;
      std::string id;
      const toml::node* node;
      bool within = false;
    };
    std::vector<PendingSuppress> pending;
    std::set<std::string> questions;
    for (const auto& pnode : *parr) {
      const toml::table& p = *pnode.as_table();
      L.check_keys(p, {"id", "label", "question", "description", "affirmed", "negated", "permitted", "stance", "rule"},
                   "[[provision]]");
      ProvisionInfo info;
      info.id = L.get_string(p, "id", "[[provision]]", true, pnode);
      std::string where = "provision '" + info.id + "'";
      if (!valid_id(info.id)) L.fail(*p.get("id"), where + ": id must be lower-case letters, digits, '_' or '-'");
      if (index.count(info.id)) L.fail(*p.get("id"), "duplicate provision id '" + info.id + "'");
      info.label = L.get_string(p, "label", where, true, pnode);
      info.question = L.get_string(p, "question", where, false, pnode);
      info.description = L.get_string(p, "description", where, false, pnode);
      if (!info.question.empty()) {
        bool ok = info.question.size() >= 2 && (info.question[0] == 'Q' || info.question[0] == 'q') &&
                  std::all_of(info.question.begin() + 1, info.question.end(), [](char c) { return c >= '0' && c <= '9'; });
        if (!ok) L.fail(*p.get("question"), where + ": question must look like \"Q1\", not '" + info.question + "'");
        info.question[0] = 'Q';
        if (!questions.insert(info.question).second) {
          L.fail(*p.get("question"), where + ": question " + info.question + " is already asked by another provision");
        }
      }
      StanceRule defaults;
      if (auto s = L.get_stance(p, "stance", where)) {
        defaults.fixed = true;
        defaults.stance = *s;
      }
      if (auto s = L.get_stance(p, "affirmed", where)) defaults.affirmed = *s;
      if (auto s = L.get_stance(p, "negated", where)) defaults.negated = *s;
      defaults.permitted = defaults.affirmed;
      if (auto s = L.get_stance(p, "permitted", where)) defaults.permitted = *s;

      size_t pindex = impl->infos.size();
      index[info.id] = pindex;
      impl->infos.push_back(info);

      const toml::node* rules = p.get("rule");
      if (!rules) L.fail(pnode, where + " has no [[provision.rule]]");
      const toml::array* rarr = rules->as_array();
      if (!rarr || !rarr->is_array_of_tables() || rarr->empty()) {
        L.fail(*rules, where + ": 'rule' must be an array of tables ([[provision.rule]])");
      }
      for (const auto& rnode : *rarr) {
        const toml::table& r = *rnode.as_table();
        L.check_keys(r, {"name", "terms", "window", "ordered", "sentences", "require_modality", "savings",
                         "stance", "affirmed", "negated", "permitted", "suppresses", "suppresses_within", "veto",
                         "veto_window"},
                     where + " rule");
        Rule rule;
        rule.provision = pindex;
        rule.line = int(rnode.source().begin.line);
        std::string rname = L.get_string(r, "name", where + " rule", true, rnode);
        rule.name = info.id + "/" + rname;
        std::string rwhere = "rule '" + rule.name + "'";
        const toml::node* terms = r.get("terms");
        if (!terms) L.fail(rnode, rwhere + ": missing 'terms'");
        const toml::array* tarr = terms->as_array();
        if (!tarr || tarr->empty()) L.fail(*terms, rwhere + ": 'terms' must be a non-empty array of term groups");
        if (tarr->size() > 6) L.fail(*terms, rwhere + ": at most 6 term groups");
        // "terms = [...strings...]" is one group; "terms = [[...], [...]]" several.
        if (tarr->is_homogeneous(toml::node_type::string)) {
          rule.groups.push_back(term_group(*terms, rwhere + " terms"));
        } else {
          for (const auto& g : *tarr) {
            auto ids = term_group(g, rwhere + " term group");
            if (ids.empty()) L.fail(g.source().begin.line ? g : *terms, rwhere + ": empty term group");
            rule.groups.push_back(std::move(ids));
          }
        }
        if (rule.groups.front().empty()) L.fail(*terms, rwhere + ": empty term group");
        if (auto v = L.get_int(r, "window", rwhere, 0, 200)) rule.window = int(*v);
        if (auto v = L.get_bool(r, "ordered", rwhere)) rule.ordered = *v;
        if (auto v = L.get_int(r, "sentences", rwhere, 1, 2)) rule.sentences = int(*v);
        if (auto v = L.get_bool(r, "require_modality", rwhere)) rule.require_modality = *v;
        if (auto v = L.get_bool(r, "savings", rwhere)) rule.savings = *v;
        rule.stance = defaults;
        if (auto s = L.get_stance(r, "stance", rwhere)) {
          rule.stance.fixed = true;
          rule.stance.stance = *s;
        }
        bool own_affirmed = false;
        if (auto s = L.get_stance(r, "affirmed", rwhere)) {
          rule.stance.fixed = false;
          rule.stance.affirmed = *s;
          own_affirmed = true;
        }
        if (auto s = L.get_stance(r, "negated", rwhere)) {
          rule.stance.fixed = false;
          rule.stance.negated = *s;
        }
        if (own_affirmed) rule.stance.permitted = rule.stance.affirmed;
        if (auto s = L.get_stance(r, "permitted", rwhere)) {
          rule.stance.fixed = false;
          rule.stance.permitted = *s;
        }
        if (const toml::node* sup = r.get("suppresses")) {
          for (const auto& [id, node] : L.get_strings(*sup, rwhere + " suppresses")) {
            pending.push_back({impl->rules.size(), id, node, false});
          }
        }
        if (const toml::node* sup = r.get("suppresses_within")) {
          for (const auto& [id, node] : L.get_strings(*sup, rwhere + " suppresses_within")) {
            pending.push_back({impl->rules.size(), id, node, true});
          }
        }
        if (const toml::node* v = r.get("veto")) rule.veto = term_group(*v, rwhere + " veto");
        if (auto v = L.get_int(r, "veto_window", rwhere, 0, 20)) rule.veto_window = int(*v);
        impl->rules.push_back(std::move(rule));
      }
    }
    for (const auto& ps : pending) {
      auto it = index.find(ps.id);
      if (it == index.end()) {
        L.fail(*ps.node, std::string(ps.within ? "suppresses_within" : "suppresses") + ": unknown provision '" +
                             ps.id + "'");
      }
      (ps.within ? impl->rules[ps.rule].suppresses_within : impl->rules[ps.rule].suppresses).push_back(it->second);
    }

    // [[heading_cue]]
    if (const toml::node* n = root.get("heading_cue")) {
      const toml::array* arr = n->as_array();
      if (!arr || !arr->is_array_of_tables()) L.fail(*n, "'heading_cue' must be an array of tables ([[heading_cue]])");
      for (const auto& hnode : *arr) {
        const toml::table& h = *hnode.as_table();
        L.check_keys(h, {"match", "only", "descriptive"}, "[[heading_cue]]");
        HeadingCue cue;
        const toml::node* m = h.get("match");
        if (!m) L.fail(hnode, "[[heading_cue]]: missing 'match'");
        cue.terms = term_group(*m, "[[heading_cue]] match");
        if (cue.terms.empty()) L.fail(*m, "[[heading_cue]]: 'match' is empty");
        if (const toml::node* d = h.get("descriptive")) {
          if (!d->is_boolean()) L.fail(*d, "[[heading_cue]]: 'descriptive' must be true or false");
          cue.descriptive = d->as_boolean()->get();
        }
        const toml::node* only = h.get("only");
        if (!only && cue.descriptive) {
          cue.restrict_only = false;
          impl->heading_cues.push_back(std::move(cue));
          continue;
        }
        if (!only) L.fail(hnode, "[[heading_cue]]: missing 'only' (a list of provision ids; [] tags nothing)");
        for (const auto& [id, node] : L.get_strings(*only, "[[heading_cue]] only")) {
          auto it = index.find(id);
          if (it == index.end()) L.fail(*node, "[[heading_cue]]: unknown provision '" + id + "'");
          cue.only.push_back(it->second);
        }
        cue.restrict_all = cue.only.empty();
        impl->heading_cues.push_back(std::move(cue));
      }
    }

    impl->has_modality_cues = std::any_of(impl->term_cues.begin(), impl->term_cues.end(),
                                          [](uint32_t c) { return (c & kCueModality) != 0; });
    impl->index_terms();
    char hash[17];
    std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(fnv1a(content)));
    impl->version = (declared.empty() ? std::string("0") : declared) + "+" + std::string(hash, 12);
  } catch (const toml::parse_error& e) {
    return make_error(ErrorCode::kParse, name + ":" + std::to_string(e.source().begin.line) + ": " +
                                             std::string(e.description()));
  } catch (const LoadError& e) {
    return make_error(ErrorCode::kParse, e.message);
  }
  return std::make_shared<const Taxonomy>(std::move(impl));
}

}  // namespace

Taxonomy::Taxonomy(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Taxonomy::~Taxonomy() = default;

Result<std::shared_ptr<const Taxonomy>> Taxonomy::load(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return make_error(ErrorCode::kNotFound, file.string() + ": cannot open taxonomy file");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return make_error(ErrorCode::kIo, file.string() + ": read error");
  return compile(ss.str(), file.string());
}

Result<std::shared_ptr<const Taxonomy>> Taxonomy::load_text(std::string_view content, const std::string& name) {
  return compile(content, name);
}

Result<std::shared_ptr<const Taxonomy>> Taxonomy::builtin() {
  return compile(pi_taxonomy_toml, "provisions/taxonomy.toml");
}

Result<std::shared_ptr<const Taxonomy>> Taxonomy::load_or_builtin(const std::string& file) {
  return file.empty() ? builtin() : load(file);
}

const std::vector<ProvisionInfo>& Taxonomy::provisions() const { return impl_->infos; }

const ProvisionInfo* Taxonomy::find(std::string_view id) const {
  for (const auto& p : impl_->infos) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

const ProvisionInfo* Taxonomy::by_question(std::string_view question) const {
  if (question.empty()) return nullptr;
  for (const auto& p : impl_->infos) {
    if (p.question.size() == question.size() &&
        std::equal(question.begin(), question.end(), p.question.begin(),
                   [](char a, char b) { return std::toupper(static_cast<unsigned char>(a)) == b; })) {
      return &p;
    }
  }
  return nullptr;
}

const std::string& Taxonomy::version() const { return impl_->version; }

}  // namespace policyindex::provisions
