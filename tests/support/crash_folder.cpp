#include "support/crash_folder.hpp"

#include <unistd.h>

#include <cerrno>

namespace postable::testing {
namespace {

// Applies one name change (a CrashFolder::NameChange) to a folder's names.
void apply_change(const auto& change, std::map<std::string, std::uint64_t>& names) {
  for (const auto& [name, inode] : change.names) {
    if (inode) {
      names[name] = *inode;
    } else {
      names.erase(name);
    }
  }
}

}  // namespace

std::string CrashState::describe() const {
  std::string out;
  for (const auto& [name, inode] : names) {
    if (!out.empty()) out += "; ";
    out += name + " (inode " + std::to_string(inode) + ", " +
           std::to_string(files.at(inode).size()) + " bytes)";
  }
  return out.empty() ? "no files" : out;
}

CrashFolder::CrashFolder(const CrashState& state)
    : names_(state.names), durable_names_(state.names) {
  for (const auto& [inode, bytes] : state.files) {
    files_[inode] = File{bytes, bytes.size(), {bytes}};
    next_inode_ = std::max(next_inode_, inode + 1);
  }
}

bool CrashFolder::fail(const std::string& why) {
  last_error_ = why;
  return false;
}

void CrashFolder::step(const std::string& what) {
  if (after_step) after_step(what);
}

void CrashFolder::changed(File& file) {
  file.since_sync.push_back(file.bytes);
}

void CrashFolder::change_names(NameChange change) {
  apply_change(change, names_);
  name_changes_.push_back(std::move(change));
}

Folder::Handle CrashFolder::create(const std::string& name) {
  if (names_.contains(name)) {
    fail("cannot create " + name + ": File exists");
    return no_file;
  }
  const std::uint64_t inode = next_inode_++;
  files_[inode] = File{"", 0, {""}};
  change_names(NameChange{{{name, inode}}});
  open_[next_handle_] = inode;
  step("create " + name);
  return next_handle_++;
}

Folder::Handle CrashFolder::open_existing(const std::string& name) {
  const auto found = names_.find(name);
  if (found == names_.end()) {
    fail("cannot open " + name + ": No such file or directory");
    return no_file;
  }
  open_[next_handle_] = found->second;
  return next_handle_++;
}

bool CrashFolder::append(Handle file, std::span<const std::string_view> parts) {
  File& target = files_.at(open_.at(file));
  for (std::string_view part : parts) target.bytes += part;
  changed(target);
  step("append");
  return true;
}

// A copy reaches the page cache like an append; a crash may keep any prefix of it.
bool CrashFolder::append_copy(Handle file, OutsideBytes from) {
  std::string bytes(std::size_t(from.bytes), '\0');
  if (::pread(from.fd, bytes.data(), bytes.size(), 0) != ssize_t(bytes.size())) {
    return fail("cannot copy the spool in: short read");
  }
  File& target = files_.at(open_.at(file));
  target.bytes += bytes;
  changed(target);
  step("copy");
  return true;
}

// Below the durable size only recovery cuts, and it syncs next: taken as durable at once.
bool CrashFolder::truncate(Handle file, std::uint64_t size) {
  File& target = files_.at(open_.at(file));
  target.bytes.resize(size);
  if (size < target.durable_bytes) {
    target.durable_bytes = size;
    target.since_sync = {target.bytes};
  }
  changed(target);
  step("truncate");
  return true;
}

int CrashFolder::sync_data(Handle file) {
  if (failing_syncs.contains(data_syncs_++)) {
    step("failed sync");
    return EIO;
  }
  File& target = files_.at(open_.at(file));
  target.durable_bytes = target.bytes.size();
  target.since_sync = {target.bytes};
  step("sync");
  return 0;
}

void CrashFolder::close(Handle file) {
  open_.erase(file);
}

bool CrashFolder::link(const std::string& from, const std::string& to) {
  const auto found = names_.find(from);
  if (found == names_.end() || names_.contains(to))
    return fail("cannot link " + from + " to " + to);
  change_names(NameChange{{{to, found->second}}});
  step("link " + from + " " + to);
  return true;
}

bool CrashFolder::rename(const std::string& from, const std::string& to) {
  const auto found = names_.find(from);
  if (found == names_.end()) return fail("cannot rename " + from + " to " + to);
  change_names(NameChange{{{to, found->second}, {from, std::nullopt}}});
  step("rename " + from + " " + to);
  return true;
}

bool CrashFolder::remove(const std::string& name) {
  if (!names_.contains(name)) return true;
  change_names(NameChange{{{name, std::nullopt}}});
  step("remove " + name);
  return true;
}

int CrashFolder::sync_folder() {
  if (failing_folder_syncs.contains(folder_syncs_++)) {
    step("failed folder sync");
    return EIO;
  }
  durable_names_ = names_;
  name_changes_.clear();
  step("sync folder");
  return 0;
}

std::vector<std::string> CrashFolder::names() {
  std::vector<std::string> out;
  for (const auto& [name, inode] : names_) out.push_back(name);
  return out;
}

std::optional<FileContent> CrashFolder::read(const std::string& name) {
  const auto found = names_.find(name);
  if (found == names_.end()) return std::nullopt;
  return FileContent{found->second, files_.at(found->second).bytes};
}

CrashState CrashFolder::current() const {
  CrashState state{names_, {}};
  for (const auto& [name, inode] : names_) state.files[inode] = files_.at(inode).bytes;
  return state;
}

// What a file may hold after a crash: its durable prefix, then of any content it has had
// since, any prefix; or (the size reached the disk before the data) the size any of those
// contents had, with a prefix of the data and zeros for the rest.
std::set<std::string> CrashFolder::possible_contents(const File& file) {
  std::set<std::uint64_t> sizes;
  for (const std::string& version : file.since_sync) {
    if (version.size() > file.durable_bytes) sizes.insert(version.size());
  }
  std::set<std::string> contents;
  for (const std::string& version : file.since_sync) {
    for (std::size_t length = file.durable_bytes; length <= version.size(); ++length) {
      contents.insert(version.substr(0, length));
      for (auto size = sizes.upper_bound(length); size != sizes.end() && *size <= version.size();
           ++size) {
        contents.insert(version.substr(0, length) + std::string(*size - length, '\0'));
      }
    }
  }
  return contents;
}

std::set<CrashState> CrashFolder::crash_states() const {
  std::set<CrashState> states;
  std::map<std::string, std::uint64_t> names = durable_names_;
  for (std::size_t kept = 0;; ++kept) {  // the first `kept` name changes reached the disk
    std::vector<CrashState> partial{CrashState{names, {}}};
    std::set<std::uint64_t> inodes;
    for (const auto& [name, inode] : names) inodes.insert(inode);
    for (std::uint64_t inode : inodes) {
      const File& file = files_.at(inode);
      const std::set<std::string> contents = possible_contents(file);
      std::vector<CrashState> grown;
      for (const CrashState& state : partial) {
        for (const std::string& content : contents) {
          grown.push_back(state);
          grown.back().files[inode] = content;
        }
      }
      partial = std::move(grown);
    }
    states.insert(partial.begin(), partial.end());
    if (kept == name_changes_.size()) break;
    apply_change(name_changes_[kept], names);
  }
  return states;
}

}  // namespace postable::testing
