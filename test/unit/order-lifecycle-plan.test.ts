import { originStamp, pairRowsWithLines, parseOriginStamp, planWriteBack, type RbLine, type SoRow } from '../../activities/order-lifecycle';

const row = (rowId: number, productId: number, productNo: string, quantity: string): SoRow => ({ rowId, productId, productNo, name: null, quantity, price: '10.00', discountRate: null });
const line = (id: number, itemNumber: string, quantity: string): RbLine => ({ id, itemNumber, quantity, price: '10', name: null });

describe('order lifecycle: the stamp and the row ↔ line plan', () => {
  it('reads back only its own stamp', () => {
    expect(parseOriginStamp(originStamp(10042))).toBe(10042);
    expect(parseOriginStamp(' 24SO 7 ')).toBe(7);
    for (const other of ['Ordre 1001', '24SO', '24SO 12 extra', null, undefined, '']) expect(parseOriginStamp(other)).toBeNull();
  });

  it('pairs rows with lines by product in order, also when a product appears twice', () => {
    const map = pairRowsWithLines(
      [{ rowId: 1, itemNumber: 'A' }, { rowId: 2, itemNumber: 'B' }, { rowId: 3, itemNumber: 'A' }],
      [line(11, 'A', '1'), line(12, 'B', '1'), line(13, 'A', '2')],
    );
    expect(map).toEqual([{ lineId: 11, rowId: 1 }, { lineId: 12, rowId: 2 }, { lineId: 13, rowId: 3 }]);
  });

  it('plans quantity edits, deletions and additions, and nothing for rows already in step', () => {
    const rows = [row(1, 100, 'A', '5'), row(2, 200, 'B', '1'), row(3, 300, 'C', '2')];
    const lines = [line(11, 'A', '3'), line(13, 'C', '2.00'), line(14, 'D', '4')];
    const plan = planWriteBack(rows, lines, [{ lineId: 11, rowId: 1 }, { lineId: 12, rowId: 2 }, { lineId: 13, rowId: 3 }], new Map([[14, { id: 400, no: 'D' }]]));
    expect(plan.changes.edit).toEqual([{ rowId: 1, quantity: '3' }]);
    expect(plan.changes.remove).toEqual([2]);
    expect(plan.changes.add.map((a) => [a.line.id, a.product.id])).toEqual([[14, 400]]);
    expect(plan.kept).toEqual([{ lineId: 11, rowId: 1 }, { lineId: 13, rowId: 3 }]);
  });

  it('after a lost reply: adopts the row the first attempt added and skips rows already deleted', () => {
    // The first attempt deleted row 2 and added row 9 for line 14; its reply was lost, so the map is the old one.
    const rows = [row(1, 100, 'A', '3'), row(9, 400, 'D', '4')];
    const lines = [line(11, 'A', '3'), line(14, 'D', '4')];
    const plan = planWriteBack(rows, lines, [{ lineId: 11, rowId: 1 }, { lineId: 12, rowId: 2 }], new Map([[14, { id: 400, no: 'D' }]]));
    expect(plan.changes).toEqual({ edit: [], remove: [], add: [] });
    expect(plan.adopted).toEqual([{ lineId: 14, rowId: 9 }]);
  });
});
