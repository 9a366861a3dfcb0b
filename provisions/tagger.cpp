// The rule engine: proximity matching of term groups on the clauses the clause analyser
// (clauses.cpp) finds, and stance from negation, modality and the drafting structure.
// The rules themselves are data (taxonomy.toml); see the comment at the top of that file.

#include <algorithm>
#include <cstring>

#include "provisions/clauses.h"

namespace policyindex::provisions {

namespace {


// Scratch buffers for one tag() call.
struct Work {
  std::vector<Occurrence> unit_occ;
  std::vector<std::vector<Occurrence>> buckets;  // rule * kMaxGroups + group
  std::vector<uint16_t> touched;
  std::vector<char> touched_mark;
};
constexpr size_t kMaxGroups = 6;

struct Match {
  uint32_t first = 0;
  uint32_t last = 0;
  std::vector<Occurrence> parts;
};

bool overlaps(const Occurrence& a, const Occurrence& b) { return a.first <= b.last && b.first <= a.last; }

int gap_of(const std::vector<Occurrence>& parts) {
  uint32_t lo = UINT32_MAX, hi = 0;
  int covered = 0;
  for (const auto& p : parts) {
    lo = std::min(lo, p.first);
    hi = std::max(hi, p.last);
    covered += int(p.last - p.first + 1);
  }
  return int(hi - lo + 1) - covered;
}

// Finds occurrences, one per group, non-overlapping, with at most WINDOW other words in
// between (in group order when ORDERED).
std::optional<Match> match_groups(const std::vector<const std::vector<Occurrence>*>& lists, int window,
                                  bool ordered) {
  const size_t k = lists.size();
  if (k == 1) {
    const auto& o = lists[0]->front();
    return Match{o.first, o.last, {o}};
  }
  if (ordered) {
    for (const auto& a : *lists[0]) {
      std::vector<Occurrence> parts{a};
      uint32_t pos = a.last;
      bool ok = true;
      for (size_t g = 1; g < k && ok; ++g) {
        ok = false;
        for (const auto& o : *lists[g]) {
          if (o.first > pos) {
            parts.push_back(o);
            pos = o.last;
            ok = true;
            break;
          }
        }
      }
      if (ok && gap_of(parts) <= window) return Match{parts.front().first, parts.back().last, parts};
    }
    return std::nullopt;
  }
  // Any order: anchor on each occurrence of the smallest group, take the nearest
  // non-overlapping occurrence of every other group.
  size_t anchor = 0;
  for (size_t g = 1; g < k; ++g) {
    if (lists[g]->size() < lists[anchor]->size()) anchor = g;
  }
  for (const auto& a : *lists[anchor]) {
    std::vector<Occurrence> parts{a};
    bool ok = true;
    for (size_t g = 0; g < k && ok; ++g) {
      if (g == anchor) continue;
      const Occurrence* best = nullptr;
      long best_d = LONG_MAX;
      for (const auto& o : *lists[g]) {
        bool clash = false;
        for (const auto& p : parts) clash = clash || overlaps(o, p);
        if (clash) continue;
        long d = std::labs(long(o.first) - long(a.first));
        if (d < best_d) {
          best_d = d;
          best = &o;
        }
      }
      if (!best) ok = false;
      else parts.push_back(*best);
    }
    if (ok && gap_of(parts) <= window) {
      uint32_t lo = UINT32_MAX, hi = 0;
      for (const auto& p : parts) {
        lo = std::min(lo, p.first);
        hi = std::max(hi, p.last);
      }
      return Match{lo, hi, parts};
    }
  }
  return std::nullopt;
}

class SectionTagger : private ClauseAnalysis {
 public:
  SectionTagger(const Taxonomy::Impl& tax, const SectionInput& in) : ClauseAnalysis(tax, in.text), in_(in) {}

  Tagged run() {
    Tagged out;
    struck_ = struck_ranges(text_);
    // Page furniture is set aside like struck text: no words, no part of a quote.
    auto furniture = furniture_ranges(text_);
    if (!furniture.empty()) {
      struck_.insert(struck_.end(), furniture.begin(), furniture.end());
      std::sort(struck_.begin(), struck_.end());
      std::vector<std::pair<size_t, size_t>> merged;
      for (const auto& r : struck_) {
        if (!merged.empty() && r.first <= merged.back().second) merged.back().second = std::max(merged.back().second, r.second);
        else merged.push_back(r);
      }
      struck_ = std::move(merged);
    }
    tokens_ = tokenize(text_, struck_);
    out.cites = citations_from_tokens(text_, tokens_);
    if (tokens_.empty()) return out;
    if (!heading_filter()) return out;
    find_terms(tax_, tokens_, 0, tokens_.size(), occ_);
    // Most sections of a town's documents and pages name no provision: when no rule has a
    // term of every group anywhere in the section, no clause or pair of clauses can match,
    // and the clause analysis below is skipped.
    if (!some_rule_can_match()) return out;
    heading_lead_in();
    analyse();
    section_descriptive_ = section_descriptive_ || reads_as_report();
    work_.buckets.assign(tax_.rules.size() * kMaxGroups, {});
    work_.touched_mark.assign(tax_.rules.size(), 0);

    std::vector<std::vector<size_t>> clause_rules(clauses_.size());  // rules that fired per clause
    for (size_t ci = 0; ci < clauses_.size(); ++ci) {
      const Clause& c = clauses_[ci];
      if (c.definition) continue;
      bool savings = is_savings(c.span);
      cur_clause_ = int(ci);
      if (c.commentary) {
        for (const auto& q : quotes_) {
          Span u{std::max(q.begin, c.span.begin), std::min(q.end, c.span.end)};
          if (u.end <= u.begin || int(u.end - u.begin) < tax_.settings.min_quote_words) continue;
          eval_unit(u, savings, 1, nullptr);
        }
      } else {
        eval_unit(c.span, savings, 1, &clause_rules[ci]);
      }
    }
    // An exception is read on its own too: "except in limited circumstances when officers may
    // respond to ICE requests for notification" is a second, permissive, item.
    cur_clause_ = -1;
    for (const auto& x : exceptions_) {
      const Clause& c = clauses_[x.clause];
      if (c.definition || c.commentary || x.span.end - x.span.begin < 3) continue;
      cur_exception_ = int(x.clause);
      eval_unit(x.span, false, 1, nullptr);
    }
    cur_exception_ = -1;
    // Rules that may reach into the next clause ("Requests by ICE for assistance should be
    // directed to a supervisor. The Department may provide available support services.").
    bool any_pair_rules = std::any_of(tax_.rules.begin(), tax_.rules.end(), [](const Rule& r) { return r.sentences > 1; });
    if (any_pair_rules) {
      for (size_t ci = 0; ci + 1 < clauses_.size(); ++ci) {
        const Clause& a = clauses_[ci];
        const Clause& b = clauses_[ci + 1];
        if (a.definition || b.definition || a.commentary || b.commentary || a.paragraph != b.paragraph) continue;
        std::vector<size_t> skip = clause_rules[ci];
        skip.insert(skip.end(), clause_rules[ci + 1].begin(), clause_rules[ci + 1].end());
        pair_descriptive_ = a.descriptive || b.descriptive;
        eval_unit(Span{a.span.begin, b.span.end}, is_savings(a.span) || is_savings(b.span), 2, nullptr, &skip);
        pair_descriptive_ = false;
      }
    }
    std::stable_sort(hits_.begin(), hits_.end(), [](const Hit& x, const Hit& y) { return x.start < y.start; });
    for (auto& h : hits_) (h.descriptive ? out.context : out.hits).push_back(std::move(h));
    return out;
  }

 private:
  // Whether some rule that the heading allows has an occurrence of a term of each of its
  // groups in the section (a necessary condition for it to match any part of it).
  bool some_rule_can_match() const {
    std::vector<char> seen(tax_.rules.size() * kMaxGroups, 0);
    for (const auto& o : occ_) {
      for (const auto& [r, g] : tax_.term_rule_groups[o.term]) seen[size_t(r) * kMaxGroups + g] = 1;
    }
    for (size_t r = 0; r < tax_.rules.size(); ++r) {
      const Rule& rule = tax_.rules[r];
      if (rule.groups.empty() || !allowed_[rule.provision]) continue;
      bool all = true;
      for (size_t g = 0; g < rule.groups.size() && all; ++g) all = seen[r * kMaxGroups + g] != 0;
      if (all) return true;
    }
    return false;
  }

  // A heading ending in ':' is the lead-in of the list its section opens with ("Town
  // employees may not:" over "(a) ask about immigration status ...").
  void heading_lead_in() {
    std::string_view h = in_.heading;
    while (!h.empty() && (h.back() == ' ' || h.back() == '\n' || h.back() == '\t')) h.remove_suffix(1);
    if (h.empty() || h.back() != ':') return;
    SectionInput hin{"", "", h, {}};
    SectionTagger lead(tax_, hin);
    lead.tokens_ = tokenize(h);
    if (lead.tokens_.empty()) return;
    find_terms(tax_, lead.tokens_, 0, lead.tokens_.size(), lead.occ_);
    lead.analyse();
    heading_polarity_ = lead.polarity(0, uint32_t(lead.tokens_.size()), nullptr);
    heading_lead_ = heading_polarity_.modality || heading_polarity_.negated || heading_polarity_.double_negation;
  }

  // A section that reports rather than rules: a news story (a dateline "TOWN —", or
  // reported speech in two sentences or more), or a document of a descriptive genre.
  bool reads_as_report() const {
    int reported = 0;
    for (const auto& o : occ_) reported += this->reported(o) ? 1 : 0;
    if (reported >= 2) return true;
    // "LEVERETT — Town employees ...": a capitalized place name, then a dash.
    for (size_t k = 1; k < tokens_.size() && k < 4; ++k) {
      if (!tokens_[k - 1].upper) break;
      size_t a = tokens_[k - 1].end, b = tokens_[k].start;
      std::string_view gap = text_.substr(a, b - a);
      if (gap.find("\xE2\x80\x94") != std::string_view::npos || gap.find(" -- ") != std::string_view::npos) return true;
    }
    return false;
  }

  // Applies [[heading_cue]]: returns false when the heading allows no provision at all.
  bool heading_filter() {
    allowed_.assign(tax_.infos.size(), 1);
    section_descriptive_ = in_.genre == "news" || in_.genre == "guidance" || in_.genre == "minutes";
    if (in_.heading.empty() || tax_.heading_cues.empty()) return true;
    auto htoks = tokenize(in_.heading);
    std::vector<Occurrence> hocc;
    find_terms(tax_, htoks, 0, htoks.size(), hocc);
    for (const auto& cue : tax_.heading_cues) {
      bool hit = std::any_of(hocc.begin(), hocc.end(), [&](const Occurrence& o) {
        return std::binary_search(cue.terms.begin(), cue.terms.end(), o.term);
      });
      if (!hit) continue;
      if (cue.descriptive) section_descriptive_ = true;
      if (!cue.restrict_only) continue;
      std::vector<char> keep(tax_.infos.size(), 0);
      for (size_t p : cue.only) keep[p] = 1;
      for (size_t p = 0; p < allowed_.size(); ++p) allowed_[p] = char(allowed_[p] && keep[p]);
    }
    return std::any_of(allowed_.begin(), allowed_.end(), [](char c) { return c != 0; });
  }


  // Evaluates every rule on the unit; FIRED collects the rules that produced a hit.
  void eval_unit(const Span& u, bool savings, int sentences, std::vector<size_t>* fired,
                 const std::vector<size_t>* skip = nullptr) {
    auto& w = work_;
    w.unit_occ.clear();
    for (uint32_t j = occ_begin_[u.begin]; j < occ_begin_[u.end]; ++j) {
      const Occurrence& o = occ_[j];
      if (o.last >= u.end || (cur_exception_ < 0 ? occ_in_exception(o) : occ_in_label(o))) continue;
      w.unit_occ.push_back(o);
    }
    for (const auto& o : w.unit_occ) {
      for (const auto& [r, g] : tax_.term_rule_groups[o.term]) {
        const Rule& rule = tax_.rules[r];
        if (rule.sentences < sentences || !allowed_[rule.provision]) continue;
        if (savings && !rule.savings) continue;
        w.buckets[size_t(r) * kMaxGroups + g].push_back(o);
        if (!w.touched_mark[r]) {
          w.touched_mark[r] = 1;
          w.touched.push_back(r);
        }
      }
    }
    std::sort(w.touched.begin(), w.touched.end());
    size_t first_hit = hits_.size();
    std::vector<std::pair<size_t, size_t>> unit_hits;  // (hit index, rule)
    std::vector<uint32_t> hit_match_first;             // per unit hit: where its match starts
    struct Fired {
      size_t rule;
      uint32_t first, last;
    };
    std::vector<Fired> fired_matches;  // every rule that matched, even when its hit was a duplicate
    for (uint16_t r : w.touched) {
      const Rule& rule = tax_.rules[r];
      bool skip_rule = skip && std::find(skip->begin(), skip->end(), size_t(r)) != skip->end();
      std::vector<const std::vector<Occurrence>*> lists;
      bool complete = !skip_rule;
      for (size_t g = 0; g < rule.groups.size() && complete; ++g) {
        const auto& b = w.buckets[size_t(r) * kMaxGroups + g];
        if (b.empty()) complete = false;
        lists.push_back(&b);
      }
      if (complete && !rule.veto.empty()) {
        // "notify ICE of ..." -- a first-group term with a veto term right after it does not count.
        auto& b = w.buckets[size_t(r) * kMaxGroups];
        b.erase(std::remove_if(b.begin(), b.end(),
                               [&](const Occurrence& o) {
                                 for (const auto& v : w.unit_occ) {
                                   if (v.first > o.last && v.first <= o.last + 1 + uint32_t(rule.veto_window) &&
                                       std::binary_search(rule.veto.begin(), rule.veto.end(), v.term)) {
                                     return true;
                                   }
                                 }
                                 return false;
                               }),
                b.end());
        complete = !b.empty();
      }
      if (complete) {
        if (auto m = match_groups(lists, rule.window, rule.ordered)) {
          Polarity pol;
          if (auto st = stance_for(rule, *m, u, pol)) {
            if (add_hit(rule, *st, u, why(rule, *st, pol))) {
              unit_hits.emplace_back(hits_.size() - 1, r);
              hit_match_first.push_back(m->first);
            }
            second_items(rule, *st, pol, u, r, unit_hits, hit_match_first, m->first);
            fired_matches.push_back({r, m->first, m->last});
            if (fired) fired->push_back(r);
          }
        }
      }
    }
    for (uint16_t r : w.touched) {
      for (size_t g = 0; g < kMaxGroups; ++g) w.buckets[size_t(r) * kMaxGroups + g].clear();
      w.touched_mark[r] = 0;
    }
    w.touched.clear();
    // A rule may suppress other provisions in the same unit (school records vs status).
    std::vector<char> drop(hits_.size(), 0);
    bool any_drop = false;
    for (const auto& [hi, r] : unit_hits) {
      for (size_t p : tax_.rules[r].suppresses) {
        for (size_t h = first_hit; h < hits_.size(); ++h) {
          if (hits_[h].provision == tax_.infos[p].id && h != hi) {
            drop[h] = 1;
            any_drop = true;
          }
        }
      }
    }
    // suppresses_within: a hit whose match starts inside another rule's match is that rule's
    // purpose clause ("No funds shall be used to help federal authorities enforce ...").
    for (const auto& f : fired_matches) {
      for (size_t p : tax_.rules[f.rule].suppresses_within) {
        for (size_t k = 0; k < unit_hits.size(); ++k) {
          size_t h = unit_hits[k].first;
          if (tax_.rules[unit_hits[k].second].provision == tax_.rules[f.rule].provision) continue;
          if (hits_[h].provision == tax_.infos[p].id && hit_match_first[k] >= f.first &&
              hit_match_first[k] <= f.last) {
            drop[h] = 1;
            any_drop = true;
          }
        }
      }
    }
    if (any_drop) {
      std::vector<Hit> kept;
      for (size_t h = 0; h < hits_.size(); ++h) {
        if (!drop[h]) kept.push_back(std::move(hits_[h]));
      }
      hits_ = std::move(kept);
    }
  }

  std::optional<Stance> stance_for(const Rule& rule, const Match& m, const Span& u, Polarity& pol) const {
    const auto& st = tax_.settings;
    uint32_t lo = m.first > u.begin + uint32_t(st.scope_before) ? m.first - uint32_t(st.scope_before) : u.begin;
    uint32_t hi = std::min<uint32_t>(u.end, m.last + 1 + uint32_t(st.scope_after));
    // A match inside a leading condition ("When a victim asks for a U visa certification, the
    // Commander shall ...") is governed by the main clause after the condition's comma.
    if (opens_with_condition(u)) {
      for (uint32_t t = u.begin + 1; t < u.end; ++t) {
        if (!gaps_[t].comma) continue;
        if (m.last < t) hi = std::max(hi, std::min<uint32_t>(u.end, t + 2 * uint32_t(st.scope_after)));
        break;
      }
    }
    Polarity p = polarity(lo, hi, &m.parts, cur_exception_ >= 0);
    if (!p.restrictive && hi < u.end) {
      // "shall provide notice to ICE of an inmate's release only when ...": a condition on
      // the whole duty, however far after the match it comes.
      Polarity rest = polarity(hi, u.end, nullptr, cur_exception_ >= 0);
      if (rest.restrictive && rest.conditional_only) {
        p.restrictive = p.conditional_only = true;
        if (p.cue < 0) p.cue = rest.cue;
      }
    }
    if (cur_exception_ >= 0) {
      // Inside an exception, only the exception's own words count; it states a rule when
      // its clause does ("... shall not ..., except when officers may respond ...").
      const Clause& c = clauses_[size_t(cur_exception_)];
      p.modality = p.modality || polarity(c.span.begin, c.span.end, nullptr).modality;
    }
    if (cur_clause_ >= 0 && clauses_[size_t(cur_clause_)].lead_in != -1) {
      // A list item takes the actor, modality and negation of its lead-in.
      Polarity l = inherited(clauses_[size_t(cur_clause_)].lead_in);
      p.negated = p.negated != l.negated;
      p.modality = p.modality || l.modality || l.negated || l.double_negation;
      p.permission = p.permission || l.permission;
      p.double_negation = p.double_negation || l.double_negation;
      p.inherited = true;
    }
    if (rule.require_modality && tax_.has_modality_cues && !p.modality && p.cue < 0 && !p.double_negation) {
      return std::nullopt;
    }
    pol = p;
    const StanceRule& s = rule.stance;
    if (s.fixed) return s.stance;
    if (p.negated || p.restrictive) return s.negated;
    if (p.permission) return s.permitted;
    return s.affirmed;
  }

  // Second items of a clause: an exception naming a case where cooperation is allowed
  // ("shall not be detained ... unless convicted of a violent felony"), or a duty to
  // cooperate bounded by a condition ("shall provide notice to ICE only when ..."), is also
  // an item of the other stance.
  void second_items(const Rule& rule, Stance stance, const Polarity& pol, const Span& u, uint16_t r,
                    std::vector<std::pair<size_t, size_t>>& unit_hits, std::vector<uint32_t>& hit_match_first,
                    uint32_t match_first) {
    const StanceRule& s = rule.stance;
    if (s.fixed || s.negated == s.affirmed || stance != s.negated || cur_exception_ >= 0) return;
    std::string because;
    if (pol.restrictive && pol.conditional_only && !pol.negated) {
      because = "the clause obliges or allows it when its condition holds ('" +
                words(uint32_t(pol.cue), std::min<uint32_t>(u.end, uint32_t(pol.cue) + 6), 60) + "')";
    } else if (cur_clause_ >= 0) {
      for (const auto& x : exceptions_) {
        if (x.clause != uint32_t(cur_clause_)) continue;
        bool permits = false;
        for (uint32_t t = x.span.begin; t < x.span.end && !permits; ++t) permits = has_cue(t, kCueExceptionPermits);
        if (permits) {
          because = "exception allows it: '" + words(x.span.begin, x.span.end, 80) + "'";
          break;
        }
      }
    }
    if (because.empty()) return;
    Stance other = pol.permission ? s.permitted : s.affirmed;
    if (other == stance) return;
    if (add_hit(rule, other, u, because)) {
      unit_hits.emplace_back(hits_.size() - 1, r);
      hit_match_first.push_back(match_first);
    }
  }

  // Why the stance is what it is, in words (shown by analyze --explain).
  std::string why(const Rule& rule, Stance stance, const Polarity& p) const {
    std::string out = std::string(stance_name(stance));
    if (rule.stance.fixed) return out + ": the provision's fixed stance";
    if (p.cue >= 0) {
      out += std::string(p.negated ? ": negated by '" : p.restrictive ? ": restricted by '" : ": '") +
             words(uint32_t(p.cue), uint32_t(p.cue) + 1, 30) + "'";
    } else if (p.inherited && p.negated) {
      out += ": negated by its lead-in";
    } else if (p.double_negation) {
      out += ": double negation ('may not prohibit ...') permits";
    } else {
      out += p.permission ? ": permitted ('may')" : ": affirmed";
    }
    if (p.inherited && cur_clause_ >= 0) {
      const int li = clauses_[size_t(cur_clause_)].lead_in;
      if (li == kHeadingLead) {
        out += "; list item under the heading '" + std::string(in_.heading) + "'";
      } else {
        const Clause& l = clauses_[size_t(li)];
        out += "; list item under the lead-in '" + words(l.span.begin, l.span.end, 90) + "'";
      }
    }
    if (cur_exception_ >= 0) out += "; read inside an exception of its clause";
    return out;
  }

  bool add_hit(const Rule& rule, Stance stance, const Span& u, std::string why) {
    const std::string& id = tax_.infos[rule.provision].id;
    size_t start = tokens_[u.begin].start;
    if (start > 0 && text_[start - 1] == '(') --start;  // "(a) ..." keeps its opening parenthesis
    size_t end = tokens_[u.end - 1].end;
    // Keep the closing punctuation and quotes of the clause.
    while (end < text_.size()) {
      char c = text_[end];
      if (c == '.' || c == ';' || c == ':' || c == '!' || c == '?' || c == ')' || c == '"') {
        ++end;
      } else if (text_.compare(end, 3, "\xE2\x80\x9D") == 0 || text_.compare(end, 3, "\xE2\x80\x99") == 0) {
        end += 3;
      } else {
        break;
      }
    }
    for (const auto& h : hits_) {
      if (h.provision == id && h.stance == stance && h.start == start) return false;
    }
    Hit h;
    h.provision = id;
    h.stance = stance;
    h.start = start;
    h.end = end;
    h.evidence = evidence_text(start, end);
    h.rule = rule.name;
    h.why = std::move(why);
    h.descriptive = section_descriptive_ || pair_descriptive_ ||
                    (cur_clause_ >= 0 && clauses_[size_t(cur_clause_)].descriptive) ||
                    (cur_exception_ >= 0 && clauses_[size_t(cur_exception_)].descriptive);
    if (h.descriptive) h.why += section_descriptive_ ? "; descriptive: the section reports or explains"
                                                     : "; descriptive: recital, purpose or reported speech";
    hits_.push_back(std::move(h));
    return true;
  }

  // The evidence as a reader sees it: struck text left out, whitespace runs folded.
  std::string evidence_text(size_t start, size_t end) const {
    std::string out;
    out.reserve(end - start);
    size_t si = 0;
    bool space = false;
    for (size_t i = start; i < end; ++i) {
      if (in_struck(i, si)) continue;
      char c = text_[i];
      if (c == ' ' || c == '\n' || c == '\t' || c == '\r' ||
        (c == '|' && (i == start || text_[i - 1] == ' ' || text_[i - 1] == '\n') &&
         (i + 1 >= end || text_[i + 1] == ' ' || text_[i + 1] == '\n' || text_[i + 1] == '\r'))) {  // a table's column rule
        space = true;
        continue;
      }
      if (space && !out.empty()) out.push_back(' ');
      space = false;
      out.push_back(c);
    }
    return out;
  }

  const SectionInput& in_;
  int cur_clause_ = -1;     // the clause being evaluated (its lead-in, its exceptions)
  int cur_exception_ = -1;  // the clause whose exception is being evaluated
  bool section_descriptive_ = false;
  bool pair_descriptive_ = false;
  std::vector<char> allowed_;
  std::vector<Hit> hits_;
  Work work_;
};

}  // namespace

Tagger::Tagger(std::shared_ptr<const Taxonomy> taxonomy) : taxonomy_(std::move(taxonomy)) {}

Tagged Tagger::tag(const SectionInput& section) const {
  SectionTagger t(taxonomy_->impl(), section);
  return t.run();
}

std::string Tagger::version() const { return taxonomy_->version() + "+" + std::string(kEngineVersion); }

}  // namespace policyindex::provisions
