#include "core/table.hpp"

namespace postable {

const model::Row* find_row(model::State state, model::Input input, Outcome outcome) {
  if (std::size_t(input) >= model::input_count) return nullptr;
  const std::size_t cell =
      (std::size_t(state) * model::input_count + std::size_t(input)) * outcome_names.size() +
      std::size_t(outcome);
  const std::size_t index = model::row_index[cell];
  return index == 0 ? nullptr : &model::rows[index - 1];
}

std::string_view state_name(model::State state) {
  return model::states[std::size_t(state)].name;
}

std::string_view input_name(model::Input input) {
  if (model::is_verb(input)) return model::verbs[std::size_t(model::verb_of(input))].name;
  return event_names[std::size_t(input)];
}

std::string describe(const model::Row& row) {
  std::string out(state_name(row.state));
  out.append(" -> ").append(state_name(row.next)).append(" on ");
  out.append(input_name(row.input)).append(" ").append(enum_name(outcome_names, row.outcome));
  if (row.has_reply) {
    out.append(" / ").append(std::to_string(model::replies[std::size_t(row.reply)].code));
  }
  return out;
}

}  // namespace postable
