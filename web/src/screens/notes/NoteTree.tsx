import { Money, StatusBadge } from "../../components/ui";
import { formatDate, formatMoney } from "../../lib/format";
import { useTranslation } from "../../i18n";
import type { NoteNode } from "./NoteForms";
import "./notes.css";

/** The live leaves of a tree: the pieces still held (not retired into children, not paid). */
export function liveLeaves(node: NoteNode): NoteNode[] {
  if (node.children.length > 0) return node.children.flatMap(liveLeaves);
  return node.status === "retired" || node.status === "paid" ? [] : [node];
}

function Node({ node }: { node: NoteNode }) {
  const { t } = useTranslation();
  return (
    <li>
      <div className={`note-node ${node.status}`} data-testid="note-node" data-note={node.id} data-status={node.status} data-holder={node.holderName} data-face={node.face} data-outstanding={node.outstanding}>
        <span className="note-id">#{node.id}</span>
        <span data-testid="note-node-holder">{node.holderName}</span>
        <span><Money amount={node.face} testId="note-node-face" />{node.paid !== "0.00" && <small className="muted"> · {t("notes.paidSoFar", { paid: formatMoney(node.paid) })}</small>}</span>
        <StatusBadge status={node.status} />
        <span data-testid="note-node-financing">{node.financingRequestId ? t("notes.financedBy", { id: node.financingRequestId }) : t("notes.noFinancing")}</span>
        {node.tradeReference && <small className="muted">{t("notes.tradeRef", { ref: node.tradeReference })}</small>}
      </div>
      {node.children.length > 0 && (
        <ul>
          {node.children.map((child) => <Node key={child.id} node={child} />)}
        </ul>
      )}
    </li>
  );
}

/** A note's tree from its root down, indented level by level; each node with holder, amount, status and financing. */
export function NoteTree({ root }: { root: NoteNode }) {
  const { t } = useTranslation();
  return (
    <>
      <p className="muted" data-testid="note-tree-summary">
        {t("notes.treeSummary", { issuer: root.issuerName, invoice: root.invoiceId, maturity: formatDate(root.maturity), leaves: liveLeaves(root).length })}
      </p>
      <ul className="note-tree" data-testid="note-tree" aria-label={t("notes.treeLabel", { id: root.id })}>
        <Node node={root} />
      </ul>
    </>
  );
}
