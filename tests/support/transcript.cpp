#include "support/transcript.hpp"

#include <charconv>
#include <fstream>
#include <stdexcept>

#include "support/harness.hpp"

namespace postable::testing {

std::string unescape(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\' || i + 1 == text.size()) {
      out += text[i];
      continue;
    }
    const char c = text[++i];
    if (c == 'r')
      out += '\r';
    else if (c == 'n')
      out += '\n';
    else if (c == 't')
      out += '\t';
    else if (c == '\\')
      out += '\\';
    else if (c == 'x' && i + 2 < text.size()) {
      unsigned value = 0;
      std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
      out += char(value);
      i += 2;
    } else {
      throw std::runtime_error("unknown escape \\" + std::string(1, c));
    }
  }
  return out;
}

std::string printable(std::string_view bytes) {
  std::string out;
  for (char c : bytes) {
    if (c == '\r')
      out += "\\r";
    else if (c == '\n')
      out += "\\n\n";
    else if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e)
      out += '?';
    else
      out += c;
  }
  return out;
}

namespace {

void apply_config(TranscriptCase& c, std::string_view setting) {
  const std::size_t eq = setting.find('=');
  const std::string key(setting.substr(0, eq));
  const std::string value(eq == std::string_view::npos ? "" : setting.substr(eq + 1));
  if (key == "strict")
    c.config.strict = true;
  else if (key == "name")
    c.config.name = value;
  else if (key == "max-size")
    c.config.message_bytes_max = std::stoull(value);
  else if (key == "recipients-max")
    c.config.recipients_max = std::stoull(value);
  else if (key == "error-limit")
    c.config.error_limit = std::stoull(value);
  else if (key == "junk-limit")
    c.config.junk_limit = std::stoull(value);
  else if (key == "timeout")
    c.config.timeout = std::chrono::seconds(std::stoll(value));
  else
    throw std::runtime_error("unknown config `" + key + "`");
}

Duration parse_advance(const std::string& text) {
  // "+10s", "+9999ms"
  std::size_t used = 0;
  const long long amount = std::stoll(text.substr(text[0] == '+' ? 1 : 0), &used);
  const std::string unit = text.substr(used + (text[0] == '+' ? 1 : 0));
  if (unit == "ms") return std::chrono::milliseconds(amount);
  if (unit == "s") return std::chrono::seconds(amount);
  throw std::runtime_error("bad time `" + text + "`");
}

void parse_step(TranscriptCase& c, const std::string& line) {
  if (line.rfind("config:", 0) == 0) {
    std::string rest = line.substr(7);
    std::size_t start = rest.find_first_not_of(' ');
    while (start != std::string::npos) {
      const std::size_t end = rest.find(' ', start);
      apply_config(c, rest.substr(start, end - start));
      start = end == std::string::npos ? end : rest.find_first_not_of(' ', end);
    }
    return;
  }
  const std::size_t colon = line.find(':');
  if (colon == std::string::npos) throw std::runtime_error("no step in `" + line + "`");
  const char kind = line[0];
  int repeat = 1;
  if (colon > 1) repeat = std::stoi(line.substr(1, colon - 1));
  std::string text = line.substr(colon + 1);
  if (!text.empty() && text[0] == ' ') text.erase(0, 1);
  for (int r = 0; r < repeat; ++r) {
    switch (kind) {
      case 'S':
        c.expected_replies += text + "\r\n";
        break;
      case 'C':
      case 'R': {
        std::string bytes = unescape(text) + (kind == 'C' ? "\r\n" : "");
        if (!c.steps.empty() && c.steps.back().kind == 'C')
          c.steps.back().bytes += bytes;
        else
          c.steps.push_back({'C', bytes, {}, false});
        break;
      }
      case 'T':
        c.steps.push_back({'T', {}, parse_advance(text), false});
        break;
      case 'E':
      case 'N':
      case 'F':
        c.steps.push_back({kind, {}, {}, false});
        break;
      case 'X':
        c.steps.push_back({'X', {}, {}, text == "closed"});
        break;
      case 'Z':
        if (text != "shutdown" && text != "drain over") {
          throw std::runtime_error("`Z:` takes `shutdown` or `drain over`, not `" + text + "`");
        }
        c.steps.push_back({text == "shutdown" ? 'Z' : 'D', {}, {}, false});
        break;
      default:
        throw std::runtime_error("unknown step `" + line + "`");
    }
  }
}

}  // namespace

std::vector<TranscriptCase> parse_transcripts(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::vector<TranscriptCase> cases;
  std::string line, fence;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (fence.empty() && line.rfind("## ", 0) == 0) {
      cases.push_back({});
      cases.back().file = path;
      cases.back().title = line.substr(3);
      cases.back().line = number;
    } else if (line.rfind("```", 0) == 0) {
      fence = fence.empty() ? (line.size() > 3 ? line.substr(3) : "text") : "";
      if (fence == "mailbox" && !cases.empty()) cases.back().has_mailbox = true;
    } else if (!cases.empty() && fence == "smtp" && !line.empty()) {
      try {
        parse_step(cases.back(), line);
      } catch (const std::exception& e) {
        throw std::runtime_error(path + ":" + std::to_string(number) + ": " + e.what());
      }
    } else if (!cases.empty() && fence == "mailbox") {
      cases.back().expected_mailbox += line + "\n";
    }
  }
  return cases;
}

TranscriptResult replay(const TranscriptCase& c, std::size_t chunk_bytes) {
  Harness harness(c.config);
  TranscriptResult result;
  for (const Step& step : c.steps) {
    switch (step.kind) {
      case 'C':
        harness.feed(step.bytes, chunk_bytes);
        break;
      case 'T':
        harness.advance(step.advance);
        break;
      case 'E':
        harness.eof();
        break;
      case 'N':
        harness.new_connection();
        break;
      case 'F':
        harness.fail_next_delivery();
        break;
      case 'Z':
        harness.shutdown();
        break;
      case 'D':
        harness.drain_over();
        break;
      case 'X':
        if (harness.session().closed() != step.expect_closed && result.failure.empty()) {
          result.failure = std::string("expected the connection ") +
                           (step.expect_closed ? "closed" : "open") + " in state " +
                           std::string(model::states[std::size_t(harness.session().state())].name);
        }
        break;
    }
  }
  result.replies = harness.replies();
  result.mailbox = harness.mailbox();
  return result;
}

}  // namespace postable::testing
