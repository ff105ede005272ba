// docket template: the workflow templates exceptions open from (admin changes them).
#include "cli.hpp"
#include "command_support.hpp"
#include "docket/app/administration.hpp"
#include "docket/codec/yaml.hpp"
#include "docket/core/error.hpp"

namespace docket::cli {

void attach_template(CLI::App& cmd, CommandContext& ctx) {
  cmd.require_subcommand(1);
  struct Options {
    std::string name, file;
  };
  auto opts = std::make_shared<Options>();

  CLI::App* list = cmd.add_subcommand("list", "List the store's templates");
  list->callback([&ctx] {
    app::Session session(ctx.settings());
    const app::StoreConfig config = app::load_config(session.tip());
    ctx.page();
    std::string text;
    for (const auto& [name, t] : config.templates)
      text += name + "  " + std::string(to_string(t.severity)) + "  " + std::to_string(t.checklist.size()) + " items  " +
              t.description + "\n";
    print_human(*ctx.out, text.empty() ? "no templates (docket template add FILE)\n" : text);
  });

  CLI::App* show = cmd.add_subcommand("show", "Print one template as YAML (a start for template add or update)");
  show->add_option("NAME", opts->name, "The template's name")->required();
  show->callback([&ctx, opts] {
    app::Session session(ctx.settings());
    const app::StoreConfig config = app::load_config(session.tip());
    const auto it = config.templates.find(opts->name);
    if (it == config.templates.end())
      throw Error(ExitCode::not_found, "this store has no template '" + opts->name + "'", "see docket template list");
    ctx.page();
    print_human(*ctx.out, codec::template_to_yaml(it->second));
  });

  const auto change = [&ctx, opts](const char* verb) {
    app::Session session(ctx.settings());
    core::Administration a;
    if (std::string_view(verb) == "remove") {
      a = core::TemplateRemove{opts->name};
    } else {
      Template t = app::read_template_file(ctx.settings().cwd / opts->file);
      if (std::string_view(verb) == "add")
        a = core::TemplateAdd{std::move(t)};
      else
        a = core::TemplateUpdate{std::move(t)};
    }
    const auto outcome = app::administer(session, a);
    const std::string name = std::string_view(verb) == "remove" ? opts->name
                             : std::holds_alternative<core::TemplateAdd>(a) ? std::get<core::TemplateAdd>(a).added.name
                                                                             : std::get<core::TemplateUpdate>(a).updated.name;
    if (!outcome.commit)
      print_human(*ctx.out, "template " + name + " is already as given: nothing to commit\n");
    else
      print_human(*ctx.out, "template " + name + ": " + verb + " done (commit " + outcome.commit->hex.substr(0, 12) + ")\n");
  };
  CLI::App* add = cmd.add_subcommand("add", "Add a template from a YAML file (admin only)");
  add->add_option("FILE", opts->file, "The template's YAML (docket template show generic is an example)")->required();
  add->callback([change] { change("add"); });
  CLI::App* update = cmd.add_subcommand("update", "Replace a template with the one in a YAML file of the same name (admin only)");
  update->add_option("FILE", opts->file, "The template's YAML; its name field names the template")->required();
  update->callback([change] { change("update"); });
  CLI::App* remove = cmd.add_subcommand("remove", "Remove a template no open exception uses (admin only)");
  remove->add_option("NAME", opts->name, "The template's name")->required();
  remove->callback([change] { change("remove"); });
}

}  // namespace docket::cli
