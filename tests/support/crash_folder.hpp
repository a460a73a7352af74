// A crash model of the file system, as a Folder the real file store runs on. It keeps, for
// each file, what is on stable storage and what is only in the page cache, and for the folder
// the names on stable storage and the operations since; crash_states() gives every state a
// crash of the machine right now may leave, under POSIX (the models of ALICE, OSDI 2014, and
// CrashMonkey, OSDI 2018):
//   - a file keeps what its last successful sync_data() saw, and of what came after, any
//     prefix of any content the file has had since (an append lost, kept, or cut at any
//     byte; a truncate applied or not), or such a prefix followed by zeros up to the size
//     of any of those contents (the size reached the disk before the data: ALICE's append
//     model, ext4 with data=writeback). A failed sync makes nothing durable.
//   - the folder keeps its names as of the last sync_folder(), with any prefix of the
//     creates, links, renames and removes made since, in their order (ext4 journals them in
//     order; a file's sync is not counted on to make its name durable).
// A process crash (kill -9) leaves the page cache, which is one of those states.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "server/folder.hpp"

namespace postable::testing {

// One state a crash may leave: the names and, by inode, the bytes.
struct CrashState {
  std::map<std::string, std::uint64_t> names;
  std::map<std::uint64_t, std::string> files;
  friend auto operator<=>(const CrashState&, const CrashState&) = default;
  std::string describe() const;  // "mailbox (inode 2, 140 bytes); mailbox.1-2 (...)"
};

class CrashFolder final : public Folder {
 public:
  CrashFolder() = default;
  // A folder whose every byte and name is on stable storage: the state a crash left.
  explicit CrashFolder(const CrashState& state);

  Handle create(const std::string& name) override;
  Handle open_existing(const std::string& name) override;
  bool append(Handle file, std::span<const std::string_view> parts) override;
  bool append_copy(Handle file, OutsideBytes from) override;
  bool truncate(Handle file, std::uint64_t size) override;
  int sync_data(Handle file) override;
  void close(Handle file) override;
  bool link(const std::string& from, const std::string& to) override;
  bool rename(const std::string& from, const std::string& to) override;
  bool remove(const std::string& name) override;
  int sync_folder() override;
  std::vector<std::string> names() override;
  std::optional<FileContent> read(const std::string& name) override;
  std::string last_error() const override { return last_error_; }

  // Every distinct state a crash right now may leave.
  std::set<CrashState> crash_states() const;
  // What the page cache holds now (what a process crash leaves).
  CrashState current() const;
  // Called after every operation that changes a file or a name, or makes one durable.
  std::function<void(const std::string& step)> after_step;
  // The data syncs and the folder syncs (each counted from 0) that fail with EIO.
  std::set<std::size_t> failing_syncs, failing_folder_syncs;

 private:
  struct File {
    std::string bytes;                    // in the page cache
    std::uint64_t durable_bytes = 0;      // the prefix on stable storage
    std::vector<std::string> since_sync;  // every content it has had since its last sync
  };
  // One create, link, rename or remove: each reaches the disk whole or not at all.
  struct NameChange {
    std::vector<std::pair<std::string, std::optional<std::uint64_t>>> names;  // nullopt: gone
  };
  static std::set<std::string> possible_contents(const File& file);
  bool fail(const std::string& why);
  void step(const std::string& what);
  void changed(File& file);
  void change_names(NameChange change);

  std::map<std::uint64_t, File> files_;
  std::map<std::string, std::uint64_t> names_;          // in the page cache
  std::map<std::string, std::uint64_t> durable_names_;  // on stable storage
  std::vector<NameChange> name_changes_;                // since the last sync_folder()
  std::map<Handle, std::uint64_t> open_;
  std::uint64_t next_inode_ = 1;
  Handle next_handle_ = 3;
  std::size_t data_syncs_ = 0, folder_syncs_ = 0;
  std::string last_error_;
};

}  // namespace postable::testing
