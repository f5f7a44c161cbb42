// The pages' file picker (docs/protocol.md §12): each chosen file looked at on the device as soon
// as it is chosen, and the reporter told what becomes of it. Pictures are cleaned; anything else
// fails closed: the page says what the file may reveal, and it is sent only if the reporter ticks
// "send it as it is". Then the files' progress once the report or message is on its way. File
// names are shown here, on the device, and never sent.

import { Problem, type Api } from "./api.ts";
import type { ReceiptKeys } from "./receipt.ts";
import { reserve, transfer, type Reserved } from "./sending.ts";
import { evidenceOf, examine, OverLimits, type Evidence, type Examined, type Sealed } from "./upload.ts";

/** A text of the page, by the id of the hidden element that holds it. */
type Text = (id: string) => string;

/** Asks the browser to decode the cleaned picture: what it cannot show is not sent as cleaned. */
async function decodes(bytes: Uint8Array, type: string): Promise<boolean> {
  try {
    const bitmap = await createImageBitmap(new Blob([bytes as BlobPart], { type }));
    bitmap.close();
    return true;
  } catch {
    return false;
  }
}

interface Chosen {
  file: File;
  examined: Examined;
  asIs?: HTMLInputElement;
}

export class Picker {
  private chosen: Chosen[] = [];
  private looking: Promise<void> = Promise.resolve();
  /** Which choice of files is the latest: an earlier one still being looked at is dropped. */
  private generation = 0;

  constructor(
    private readonly input: HTMLInputElement,
    private readonly list: HTMLElement,
    private readonly keepOriginals: HTMLInputElement | null,
    private readonly text: Text,
  ) {
    input.addEventListener("change", () => {
      this.looking = this.look(Array.from(input.files ?? []));
    });
  }

  /** Looks at each chosen file, in turn, and lists what will become of it. A file that cannot
   * be read or cleaned is one the page cannot clean: the reporter decides. */
  private async look(files: File[]): Promise<void> {
    const generation = ++this.generation;
    this.chosen = [];
    this.list.replaceChildren();
    for (const [index, file] of files.entries()) {
      const examined = await examine(file, decodes).catch((): Examined => ({ uncleanable: true, type: "application/octet-stream" }));
      // The reporter chose again meanwhile: this choice is no longer theirs.
      if (generation !== this.generation) return;
      const item = document.createElement("li");
      const said = document.createElement("span");
      const key = "uncleanable" in examined ? "attach-uncleanable" : "attach-cleaned";
      said.textContent = fill(this.text(key), "{file}", file.name);
      item.append(said);
      const chosen: Chosen = { file, examined };
      if ("uncleanable" in examined) {
        // Unticked: nothing the page cannot clean leaves unless the reporter says so.
        const box = document.createElement("input");
        box.type = "checkbox";
        box.id = `as-is-${index}`;
        box.className = "as-is";
        const label = document.createElement("label");
        label.htmlFor = box.id;
        label.textContent = this.text("attach-ask-as-is");
        item.className = "uncleanable";
        item.append(" ", box, label);
        chosen.asIs = box;
      }
      this.chosen.push(chosen);
      this.list.append(item);
    }
  }

  /** What the reporter chose to send, once every file has been looked at. */
  async evidence(): Promise<Evidence[]> {
    await this.looking;
    const keepOriginal = this.keepOriginals?.checked === true;
    return this.chosen.flatMap((c) => evidenceOf(c.file, c.examined, { asIs: c.asIs?.checked === true, keepOriginal }));
  }

  /** Forgets the chosen files (after sending, and when the page is left). */
  clear(): void {
    this.generation += 1;
    this.chosen = [];
    this.list.replaceChildren();
    this.input.value = "";
  }
}

/** `template` with `slot` replaced by `value` taken as it is (a file name may hold `$&`). */
const fill = (template: string, slot: string, value: string) => template.replaceAll(slot, () => value);

/** What to tell the reporter when files are over the desk's limits; undefined for other errors. */
export function overLimits(error: unknown, text: Text): string | undefined {
  if (!(error instanceof OverLimits)) return undefined;
  if (error.kind === "too-many") return text("attach-too-many").replaceAll("{n}", String(error.limits.max_files));
  // The limit counts buckets, which add at most an eighth: the reporter is told the files' own.
  const mib = Math.floor((error.limits.max_bytes * 8) / 9 / 1_048_576);
  return text("attach-too-large").replaceAll("{mib}", String(mib));
}

/** Where the files' progress is shown: a line of text and a bar. */
export interface Shown {
  state: HTMLElement;
  bar: HTMLProgressElement | null;
}

/** Sends reserved uploads (or reserves them first) one after the other, saying which file goes;
 * at the end, how many went, or which did not. Returns how many did not. */
export async function sendFiles(
  api: Api,
  keys: ReceiptKeys,
  files: (Sealed | Reserved)[],
  shown: Shown,
  text: Text,
): Promise<number> {
  const failed: string[] = [];
  for (const file of files) {
    const name = "token" in file ? file.sealed.label : file.label;
    shown.state.textContent = fill(text("attach-sending"), "{file}", name);
    if (shown.bar) shown.bar.value = 0;
    try {
      const upload = "token" in file ? file : await reserve(api, keys, file);
      await transfer(api, upload, (done, total) => {
        if (shown.bar) shown.bar.value = done / total;
      });
    } catch (error) {
      failed.push(
        error instanceof Problem && error.type.endsWith("/attachment-limit")
          ? `${name}: ${text("problem-attachment-limit")}`
          : fill(text("attach-not-sent"), "{file}", name),
      );
    }
  }
  shown.state.textContent =
    failed.length > 0 ? failed.join(" ") : text("attach-sent").replaceAll("{n}", String(files.length));
  return failed.length;
}
