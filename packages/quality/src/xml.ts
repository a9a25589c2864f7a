/** XML reports (JUnit, Cobertura) as a small element tree; errors name the file and line. */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { lineAt, ReportError } from './model.js';

export interface XmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** The element's own text (CDATA included), trimmed. */
  readonly text: string;
}

type Node = Record<string, unknown>;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  // Numeric character references (`&#10;` in pytest and surefire messages) are decoded too.
  htmlEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

function element(name: string, node: Node): XmlElement {
  const attrs = (node[':@'] ?? {}) as Record<string, string>;
  const children: XmlElement[] = [];
  let text = '';
  for (const child of (node[name] ?? []) as Node[]) {
    if ('#text' in child) text += String(child['#text']);
    else {
      const key = Object.keys(child).find((k) => k !== ':@');
      if (key !== undefined && !key.startsWith('?') && !key.startsWith('!'))
        children.push(element(key, child));
    }
  }
  return { name, attrs, children, text: text.trim() };
}

/** The document's root element; a malformed document is a {@link ReportError} with its line. */
export function parseXml(input: string, file: string, text: string): XmlElement {
  if (text.trim() === '') throw new ReportError(input, file, 'is empty');
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    // A report cut short (a killed run, a full disk) never closes its root element: say so.
    const root = /<([A-Za-z_][\w:.-]*)[\s/>]/.exec(
      text.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->/g, ''),
    )?.[1];
    if (root !== undefined && !text.includes(`</${root}>`))
      throw new ReportError(
        input,
        file,
        `is cut off: it ends before its <${root}> element is closed (was the run killed while writing it?)`,
        lineAt(text, text.trimEnd().length),
      );
    throw new ReportError(input, file, `is not well-formed XML (${valid.err.msg})`, valid.err.line);
  }
  const nodes = parser.parse(text) as Node[];
  for (const node of nodes) {
    const key = Object.keys(node).find((k) => k !== ':@');
    if (key !== undefined && key !== '#text' && !key.startsWith('?') && !key.startsWith('!'))
      return element(key, node);
  }
  throw new ReportError(input, file, 'has no root element');
}

/** Direct children named `name`. */
export function childrenNamed(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}

/** Every descendant named `name`, depth first, in document order. */
export function descendants(el: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const visit = (e: XmlElement): void => {
    for (const c of e.children) {
      if (c.name === name) out.push(c);
      visit(c);
    }
  };
  visit(el);
  return out;
}
