// Data tables the generator draws from: departments (部) and their sections (課) with the
// port range of their business application, My Number business systems, building names,
// and the sizes of each scale (SPEC §6). Names are Japanese; ids are ASCII.

export interface Section {
  readonly id: string;
  readonly name: string;
}

export interface Department {
  readonly id: string;
  readonly name: string;
  /** First port of the department's business application (a range of 10 ports). */
  readonly appPort: number;
  readonly sections: readonly Section[];
}

const dept = (id: string, name: string, appPort: number, sections: Array<[string, string]>): Department => ({
  id,
  name,
  appPort,
  sections: sections.map(([sid, sname]) => ({ id: sid, name: sname })),
});

export const DEPARTMENTS: readonly Department[] = [
  dept('somu', '総務部', 8000, [
    ['soumu', '総務課'],
    ['jinji', '人事課'],
    ['joho', '情報政策課'],
    ['keiyaku', '契約課'],
  ]),
  dept('kikaku', '企画部', 8010, [
    ['kikakuka', '企画課'],
    ['koho', '広報課'],
    ['hisho', '秘書課'],
  ]),
  dept('zaisei', '財政部', 8020, [
    ['zaiseika', '財政課'],
    ['kanzai', '管財課'],
    ['kaikei', '会計課'],
  ]),
  dept('shimin', '市民生活部', 8030, [
    ['shiminka', '市民課'],
    ['chiiki', '地域振興課'],
    ['bosai', '危機管理課'],
  ]),
  dept('zeimu', '税務部', 8040, [
    ['shiminzei', '市民税課'],
    ['shisanzei', '資産税課'],
    ['nozei', '納税課'],
  ]),
  dept('fukushi', '福祉部', 8050, [
    ['fukushisomu', '福祉総務課'],
    ['shogai', '障害福祉課'],
    ['seikatsu', '生活福祉課'],
    ['korei', '高齢福祉課'],
  ]),
  dept('kenko', '健康部', 8060, [
    ['kokuho', '国保年金課'],
    ['kenkozukuri', '健康づくり課'],
    ['kaigo', '介護保険課'],
  ]),
  dept('kodomo', 'こども未来部', 8070, [
    ['kosodate', '子育て支援課'],
    ['hoiku', '保育課'],
  ]),
  dept('kankyo', '環境部', 8080, [
    ['kankyoseisaku', '環境政策課'],
    ['gomi', 'ごみ対策課'],
  ]),
  dept('keizai', '経済部', 8090, [
    ['shoko', '商工課'],
    ['kanko', '観光課'],
    ['nosei', '農政課'],
  ]),
  dept('toshi', '都市整備部', 8100, [
    ['toshikeikaku', '都市計画課'],
    ['kenchiku', '建築指導課'],
    ['doro', '道路課'],
    ['koen', '公園緑地課'],
  ]),
  dept('suido', '上下水道局', 8110, [
    ['suidosomu', '水道総務課'],
    ['gesui', '下水道課'],
  ]),
  dept('kyoiku', '教育委員会', 8120, [
    ['kyoikusomu', '教育総務課'],
    ['gakko', '学校教育課'],
    ['shogaigakushu', '生涯学習課'],
  ]),
  dept('gikai', '議会事務局', 8130, [['gikaijimu', '議会事務局']]),
  dept('gyosei', '行政委員会', 8140, [
    ['senkyo', '選挙管理委員会事務局'],
    ['kansa', '監査委員事務局'],
  ]),
];

export interface MynumberBusiness {
  readonly id: string;
  readonly name: string;
  readonly port: number;
}

/** マイナンバー利用事務系 business systems (基幹系). */
export const MN_BUSINESSES: readonly MynumberBusiness[] = [
  { id: 'juki', name: '住民記録', port: 8443 },
  { id: 'zeimu', name: '税務', port: 9443 },
  { id: 'fukushi', name: '福祉', port: 8543 },
  { id: 'kokuho', name: '国民健康保険', port: 8643 },
  { id: 'kaigo', name: '介護保険', port: 8743 },
  { id: 'kosodate', name: '子ども・子育て', port: 8843 },
];

export const BUILDING_NAMES: readonly string[] = [
  '本庁舎',
  '東庁舎',
  '西庁舎',
  '南庁舎',
  '北庁舎',
  '第二庁舎',
  '第三庁舎',
  '保健福祉センター',
  '教育委員会庁舎',
  '上下水道局庁舎',
  '環境センター',
  '市民会館',
];

export const MUNICIPALITY_NAMES: readonly string[] = [
  'サンプル市',
  '東みなと市',
  '西山市',
  '南川市',
  '北野市',
  '中央町',
  '青葉町',
  '若松市',
  '桜台市',
  '緑ヶ丘町',
  '旭町',
  '朝日村',
  '松原市',
  '梅田町',
  '竹野村',
  '白浜町',
  '黒石市',
  '赤坂町',
  '大島村',
  '小川町',
  '本宮市',
  '新田町',
  '高原村',
  '平野市',
  '川辺町',
  '山里村',
  '海浜市',
  '湖南町',
  '森本村',
  '野田市',
];

export type ScaleName = 'tiny' | 'small' | 'city' | 'metro' | 'prefecture';
export const SCALE_NAMES: readonly ScaleName[] = ['tiny', 'small', 'city', 'metro', 'prefecture'];

/** Size parameters of one municipality. */
export interface MunicipalitySize {
  /** Office (department × floor) zones to generate, approximately. */
  readonly officeZones: number;
  readonly floorsPerBuilding: readonly [number, number];
  readonly sectionsPerFloor: readonly [number, number];
  readonly terminalsPerSection: readonly [number, number];
  /** My Number terminal segments per building floor (on the lowest floors). */
  readonly mnPerFloor: readonly [number, number];
  /** How many of the lowest floors of each building have My Number segments. */
  readonly mnFloors: number;
  readonly serversPerDept: number;
}

export interface ScaleSpec {
  readonly description: string;
  /** SPEC §6 targets (tiny and small have none: they are for tests and demos). */
  readonly target: { readonly hosts: number; readonly zones: number; readonly devices: number; readonly rules: number } | undefined;
  readonly municipalities: readonly MunicipalitySize[];
  /** Municipalities (by index) that receive the full set of planted violations. */
  readonly plantIn: readonly number[];
}

const small = (officeZones: number, sections: number): MunicipalitySize => ({
  officeZones,
  floorsPerBuilding: [2, 2],
  sectionsPerFloor: [sections, sections],
  terminalsPerSection: [8, 20],
  mnPerFloor: [1, 1],
  mnFloors: 1,
  serversPerDept: 2,
});

const large = (officeZones: number, sections: readonly [number, number], terminals: readonly [number, number]): MunicipalitySize => ({
  officeZones,
  floorsPerBuilding: [3, 12],
  sectionsPerFloor: sections,
  terminalsPerSection: terminals,
  mnPerFloor: [3, 6],
  mnFloors: 2,
  serversPerDept: 3,
});

/** Prefecture: one large city, a few mid-size cities and many towns (sizes fall off). */
function prefectureMunicipalities(): MunicipalitySize[] {
  const out: MunicipalitySize[] = [];
  for (let i = 0; i < 24; i++) {
    const zones = Math.round(2950 / (1 + i * 0.45));
    out.push(large(zones, [8, 14], [17, 31]));
  }
  return out;
}

export const SCALES: Readonly<Record<ScaleName, ScaleSpec>> = {
  tiny: {
    description: 'one small town, about 30 zones: for tests and demos (the reference engine checks it in seconds)',
    target: undefined,
    municipalities: [small(8, 2)],
    plantIn: [0],
  },
  small: {
    description: 'two small towns sharing LGWAN and the security cloud, about 60 zones: for tests and demos',
    target: undefined,
    municipalities: [small(8, 2), small(12, 3)],
    plantIn: [0, 1],
  },
  city: {
    description: 'one city (SPEC §6 "city")',
    target: { hosts: 20_000, zones: 1_000, devices: 150, rules: 10_000 },
    municipalities: [large(790, [5, 8], [14, 26])],
    plantIn: [0],
  },
  metro: {
    description: 'one designated city with wards (SPEC §6 "metro")',
    target: { hosts: 100_000, zones: 5_000, devices: 500, rules: 50_000 },
    municipalities: [large(4250, [7, 13], [14, 26])],
    plantIn: [0],
  },
  prefecture: {
    description: 'a prefecture: 24 municipalities behind one security cloud (SPEC §6 "prefecture")',
    target: { hosts: 500_000, zones: 20_000, devices: 2_000, rules: 200_000 },
    municipalities: prefectureMunicipalities(),
    plantIn: [0, 5, 17],
  },
};
