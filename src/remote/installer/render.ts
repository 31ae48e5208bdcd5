// Rendering the files in templates/: strict handlebars (a missing value is an error, never
// an empty line in a config file) and no HTML escaping (these are config files).
import Handlebars from "handlebars";

const env = Handlebars.create();
const compiled = new Map<string, Handlebars.TemplateDelegate>();

/** render fills a template with data; name identifies it in errors. */
export function render(name: string, template: string, data: object): string {
  let fill = compiled.get(name);
  if (!fill) {
    fill = env.compile(template, { strict: true, noEscape: true });
    compiled.set(name, fill);
  }
  return fill(data);
}
