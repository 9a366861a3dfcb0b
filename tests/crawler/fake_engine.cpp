#include "tests/crawler/fake_engine.h"

#include <algorithm>

namespace policyindex::testing {

std::vector<FakeNet::Request> FakeNet::to(const std::string& suffix) const {
  std::vector<Request> out;
  for (const auto& r : requests) {
    if (r.url.size() >= suffix.size() &&
        r.url.compare(r.url.size() - suffix.size(), suffix.size(), suffix) == 0) {
      out.push_back(r);
    }
  }
  return out;
}

namespace {

std::string origin_of(const std::string& url) {
  auto p = url.find("://");
  auto slash = url.find('/', p == std::string::npos ? 0 : p + 3);
  return url.substr(0, slash);
}

}  // namespace

void FakeEngine::schedule(crawler::Clock::TimePoint at, std::function<void()> fn) {
  events_.push(Event{at, seq_++, std::move(fn)});
}

void FakeEngine::after(int64_t ms, std::function<void()> fn) {
  schedule(net_.clock.now() + std::chrono::milliseconds(ms), std::move(fn));
}

void FakeEngine::start(const crawler::HttpRequest& req, DataFn on_data, DoneFn done) {
  FakeReply reply;
  if (net_.handler) {
    reply = net_.handler(req);
  } else {
    reply.status = 404;
    reply.body = "not found";
  }
  const std::string origin = origin_of(req.url);
  ++net_.in_flight;
  net_.max_in_flight = std::max(net_.max_in_flight, net_.in_flight);
  int& host = net_.host_in_flight[origin];
  ++host;
  net_.max_host_in_flight[origin] = std::max(net_.max_host_in_flight[origin], host);

  const bool hangs = reply.fault == FakeReply::Fault::kHang || reply.latency_ms > req.timeout_ms;
  const int64_t took = hangs ? req.timeout_ms : reply.latency_ms;
  const size_t index = net_.requests.size();
  net_.requests.push_back(
      {req.url, req.headers, req.method, req.body, net_.clock.ms(), -1, req.timeout_ms});

  auto finish = [this, req, reply, hangs, took, index, origin, on_data = std::move(on_data),
                 done = std::move(done)]() mutable {
    --net_.in_flight;
    --net_.host_in_flight[origin];
    net_.requests[index].end_ms = net_.clock.ms();
    crawler::HttpResponse r;
    r.effective_url = req.url;
    r.total_ms = static_cast<double>(took);
    if (hangs) {  // libcurl: CURLE_OPERATION_TIMEDOUT
      r.curl_code = 28;
      r.error = "Operation timed out after " + std::to_string(took) + " milliseconds";
      r.timed_out = r.transient = true;
      done(std::move(r));
      return;
    }
    if (reply.fault == FakeReply::Fault::kReset) {  // CURLE_RECV_ERROR
      r.curl_code = 56;
      r.error = "Recv failure: Connection reset by peer";
      r.transient = true;
      done(std::move(r));
      return;
    }
    r.status = reply.status;
    r.content_type = reply.content_type;
    r.etag = reply.etag;
    r.last_modified = reply.last_modified;
    r.location = reply.location;
    r.retry_after = reply.retry_after;
    r.server = reply.server;
    r.content_disposition = reply.content_disposition;
    // The body in curl-sized pieces; a callback returning false aborts (CURLE_WRITE_ERROR).
    std::string_view rest(reply.body);
    while (!rest.empty()) {
      auto piece = rest.substr(0, 16 * 1024);
      rest.remove_prefix(piece.size());
      r.bytes += piece.size();
      if (on_data && !on_data(piece, r)) {
        r.curl_code = 23;
        r.error = "Failure writing output to destination";
        break;
      }
    }
    done(std::move(r));
  };
  schedule(net_.clock.now() + std::chrono::milliseconds(took), std::move(finish));
}

void FakeEngine::run() {
  stopped_ = false;
  while (!stopped_) {
    if (events_.empty()) {  // the real loop would wait forever
      net_.stalled = true;
      return;
    }
    Event e = events_.top();
    events_.pop();
    net_.clock.advance_to(e.at);
    e.fn();
  }
}

}  // namespace policyindex::testing
