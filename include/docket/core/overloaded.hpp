#pragma once
// The visitor idiom for std::visit over a std::variant: one lambda per alternative
// (cppreference, std::visit, example 4).

namespace docket::core {

template <class... Ts>
struct overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
overloaded(Ts...) -> overloaded<Ts...>;

}  // namespace docket::core
