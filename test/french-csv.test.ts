/**
 * The CSV a table's "Télécharger" button writes (frenchCsv.js, added to Evidence by
 * patches/@evidence-dev+core-components+5.4.2.patch): the French Excel dialect.
 */
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript module shipped by the patch, no types
import { frenchCsv, frenchDate, plainNumber, splitShownNumber } from '../node_modules/@evidence-dev/core-components/dist/unsorted/ui/frenchCsv.js';

const NNBSP = '\u202F';
const NBSP = '\u00A0';

describe('frenchCsv', () => {
  it('writes a BOM, ";" separators, CRLF, the titles shown and each number as shown, its unit in the header', () => {
    // Cells as fr-format.js shows them: 1555107.6300000001 € with two decimals → "1 555 107,63 €".
    const columns = [
      { id: 'seller_name', title: 'Commercial' },
      { id: 'revenue', title: "Chiffre d'affaires", type: 'number', shown: (r: { revenue: number }) => `${r.revenue === 1555107.6300000001 ? `1${NNBSP}555${NNBSP}107,63` : '-12,00'}${NBSP}€` },
      { id: 'win_rate', title: 'Taux de gain', type: 'number', shown: (r: { win_rate: number }) => (r.win_rate === 0.3581 ? `35,8${NBSP}%` : `4,0${NBSP}%`) },
      { id: 'closed_on', title: 'Clôture', type: 'date' },
    ];
    const rows = [
      { seller_name: 'Dupont; Fils', revenue: 1555107.6300000001, win_rate: 0.3581, closed_on: new Date(Date.UTC(2026, 8, 30)) },
      { seller_name: '=HYPERLINK("x")', revenue: -12, win_rate: 0.04, closed_on: '2026-01-05' },
      { seller_name: 'Sans chiffre', revenue: null, win_rate: null, closed_on: null },
    ];
    expect(frenchCsv(rows, columns)).toBe(
      '\uFEFF' +
      "Commercial;Chiffre d'affaires (€);Taux de gain (%);Clôture\r\n" +
      '"Dupont; Fils";1555107,63;35,8;30/09/2026\r\n' +
      `"'=HYPERLINK(""x"")";-12,00;4,0;05/01/2026\r\n` +
      'Sans chiffre;;;\r\n');
  });

  it('keeps each cell\'s unit when a column mixes units, and falls back to the keys and noise-free numbers', () => {
    const shown = (r: { v: number }) => (r.v > 1 ? `${r.v}${NBSP}€` : `${r.v * 100}${NBSP}%`);
    expect(frenchCsv([{ v: 2 }, { v: 0.5 }], [{ id: 'v', title: 'Valeur', shown }])).toBe('\uFEFFValeur\r\n2 €\r\n50 %\r\n');
    expect(frenchCsv([{ a: 0.1 + 0.2, b: true }], [{ id: 'a' }, { id: 'b' }])).toBe('\uFEFFa;b\r\n0,3;vrai\r\n');
  });

  it('splits a shown number into digits and unit, and writes dates JJ/MM/AAAA', () => {
    expect(splitShownNumber(`+2,5${NBSP}pts`)).toEqual({ digits: '+2,5', unit: 'pts' });
    expect(splitShownNumber(`1${NNBSP}234`)).toEqual({ digits: '1234', unit: '' });
    expect(splitShownNumber('—')).toBeNull();
    expect(plainNumber(1555107.6300000001)).toBe('1555107,63');
    expect(frenchDate(new Date(Date.UTC(2026, 10, 22, 14, 5)))).toBe('22/11/2026 14:05');
  });
});
