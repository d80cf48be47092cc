/**
 * exceljs ships types for its index only. Its streaming writer module (lib/stream/xlsx/workbook-writer.js,
 * `module.exports = WorkbookWriter`) is what the index exposes as `ExcelJS.stream.xlsx.WorkbookWriter`;
 * src/report/xlsx.ts imports it directly so the reader half of exceljs is never loaded.
 */
declare module 'exceljs/lib/stream/xlsx/workbook-writer.js' {
  import type ExcelJS from 'exceljs';
  const WorkbookWriter: typeof ExcelJS.stream.xlsx.WorkbookWriter;
  export default WorkbookWriter;
}
