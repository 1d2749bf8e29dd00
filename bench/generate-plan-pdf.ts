/**
 * Writes a text-based PDF action plan of `pages` pages, as committee-paper systems publish them:
 * a bordered table with its header repeated on every page, twelve actions a page, Helvetica text.
 */
export function generatePlanPdf(pages: number): Uint8Array {
  const header = ["Ref", "Recommendation", "Action", "Lead Officer", "Target date", "Status"];
  const xs = [40, 80, 270, 480, 600, 690, 800];
  const owners = ["Monitoring Officer", "CDAI", "Head of Procurement", "Chief Executive"];
  const statuses = ["Complete", "In progress", "Delayed", "Not started"];
  const esc = (s: string) => s.replace(/[\\()]/g, (c) => `\\${c}`);
  const objects: string[] = ["<< /Type /Catalog /Pages 2 0 R >>", "", "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"];
  const kids: number[] = [];
  for (let p = 0; p < pages; p++) {
    const ops: string[] = ["0.5 w"];
    const row = (y: number, cells: string[][]) => {
      ops.push(`${xs[0]} ${y} m ${xs.at(-1)} ${y} l S`);
      cells.forEach((lines, c) => lines.forEach((text, k) => ops.push(`BT /F1 9 Tf ${xs[c]! + 4} ${y - 12 - k * 11} Td (${esc(text)}) Tj ET`)));
    };
    let y = 560;
    row(y, header.map((h) => [h]));
    y -= 18;
    for (let r = 0; r < 12; r++) {
      const n = p * 12 + r + 1;
      row(y, [[`R${n}`], [`Improve the governance of`, `programme ${n} so decisions`, `are recorded.`], [`Review the arrangements and`, `report to the committee.`], [owners[n % 4]!], [`31/03/2026`], [statuses[n % 4]!]]);
      y -= 38;
    }
    ops.push(`${xs[0]} ${y} m ${xs.at(-1)} ${y} l S`);
    const content = ops.join("\n");
    objects.push(`<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
    const contentId = objects.length;
    objects.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] /Resources << /Font << /F1 3 0 R >> >> /Contents ${contentId} 0 R >>`);
    kids.push(objects.length);
  }
  objects[1] = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(" ")}] /Count ${kids.length} >>`;
  let pdf = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(pdf);
}
