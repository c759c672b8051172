/** Who the customer hears from: configurable, defaults from the seed notice's contact block. */
export interface Brand {
  /** "OKB証券" */
  name: string;
  /** "OKB Securities" */
  nameEn: string;
  /** The mail domain customers are told to allow (seed Q3-③). */
  mailDomain: string;
  /** "四方八方みんなよし" */
  callCenterName: string;
  /** The English pages and mails name the call center so: "OKB Securities Call Center" unless configured. */
  callCenterNameEn: string;
  callCenterPhone: string;
  callCenterHours: string;
  callCenterHoursEn: string;
}
