// Suggestions for the offence form's vehicle fields: common makes, colours and, for each
// make, its common models on UK roads. Suggestions only: anything may be typed.

import { language, t } from './i18n';

export const COMMON_COLOURS = [
  'Black', 'Blue', 'Bronze', 'Brown', 'Gold', 'Green', 'Grey', 'Orange', 'Purple', 'Red', 'Silver', 'White', 'Yellow',
];

/**
 * The colours offered, read at each render. The value stays the DVLA's English word, the
 * one the police match against the keeper's record and print on the letter; in Welsh each
 * is offered beside its Welsh name.
 */
export function colourSuggestions(): { value: string; label?: string }[] {
  if (language() === 'en') return COMMON_COLOURS.map((value) => ({ value }));
  return COMMON_COLOURS.map((value) => ({ value, label: t(`vehicleColour.${value}`) }));
}

const MODELS_BY_MAKE: Record<string, string[]> = {
  Audi: ['A1', 'A3', 'A4', 'A5', 'A6', 'Q2', 'Q3', 'Q5', 'Q7', 'TT', 'e-tron'],
  BMW: ['1 Series', '2 Series', '3 Series', '4 Series', '5 Series', 'X1', 'X3', 'X5', 'i3', 'i4', 'iX'],
  'Citroën': ['C1', 'C3', 'C3 Aircross', 'C4', 'C5 Aircross', 'Berlingo', 'Dispatch', 'Relay'],
  Dacia: ['Sandero', 'Duster', 'Jogger', 'Spring'],
  Fiat: ['500', '500X', 'Panda', 'Tipo', 'Doblo', 'Ducato'],
  Ford: [
    'Fiesta', 'Focus', 'Puma', 'Kuga', 'Mondeo', 'Ka', 'EcoSport', 'Galaxy', 'S-Max', 'Mustang Mach-E', 'Ranger',
    'Transit', 'Transit Custom', 'Transit Connect',
  ],
  Honda: ['Jazz', 'Civic', 'HR-V', 'CR-V', 'e'],
  Hyundai: ['i10', 'i20', 'i30', 'Kona', 'Tucson', 'Santa Fe', 'Ioniq 5'],
  Jaguar: ['XE', 'XF', 'E-Pace', 'F-Pace', 'I-Pace', 'F-Type'],
  Kia: ['Picanto', 'Rio', 'Ceed', 'XCeed', 'Stonic', 'Niro', 'Sportage', 'Sorento', 'EV6'],
  'Land Rover': [
    'Defender', 'Discovery', 'Discovery Sport', 'Freelander', 'Range Rover', 'Range Rover Evoque',
    'Range Rover Sport', 'Range Rover Velar',
  ],
  Mazda: ['2', '3', '6', 'CX-3', 'CX-30', 'CX-5', 'MX-5'],
  'Mercedes-Benz': ['A-Class', 'B-Class', 'C-Class', 'E-Class', 'CLA', 'GLA', 'GLC', 'GLE', 'Vito', 'Sprinter'],
  MG: ['MG3', 'MG4', 'MG5', 'ZS', 'HS'],
  Mini: ['Hatch', 'Clubman', 'Convertible', 'Countryman'],
  Mitsubishi: ['ASX', 'Eclipse Cross', 'Outlander', 'Shogun', 'L200'],
  Nissan: ['Micra', 'Note', 'Juke', 'Qashqai', 'X-Trail', 'Leaf', 'Navara'],
  Peugeot: ['108', '208', '308', '508', '2008', '3008', '5008', 'Partner', 'Expert', 'Boxer'],
  Renault: ['Clio', 'Captur', 'Megane', 'Kadjar', 'Arkana', 'Zoe', 'Kangoo', 'Trafic', 'Master'],
  SEAT: ['Ibiza', 'Leon', 'Arona', 'Ateca', 'Tarraco'],
  'Škoda': ['Fabia', 'Scala', 'Octavia', 'Superb', 'Kamiq', 'Karoq', 'Kodiaq', 'Enyaq'],
  Suzuki: ['Swift', 'Ignis', 'Jimny', 'Vitara', 'S-Cross'],
  Tesla: ['Model 3', 'Model Y', 'Model S', 'Model X'],
  Toyota: ['Aygo', 'Yaris', 'Yaris Cross', 'Corolla', 'C-HR', 'Prius', 'RAV4', 'Hilux', 'Proace'],
  Vauxhall: [
    'Corsa', 'Astra', 'Insignia', 'Mokka', 'Crossland', 'Grandland', 'Zafira', 'Combo', 'Vivaro', 'Movano',
  ],
  Volkswagen: [
    'up!', 'Polo', 'Golf', 'T-Cross', 'T-Roc', 'Tiguan', 'Touran', 'Passat', 'ID.3', 'ID.4', 'Caddy', 'Transporter',
    'Crafter',
  ],
  Volvo: ['V40', 'V60', 'V90', 'S60', 'XC40', 'XC60', 'XC90'],
};

export const COMMON_MAKES = Object.keys(MODELS_BY_MAKE).sort((a, b) => a.localeCompare(b, 'en-GB'));

/** "Škoda", "skoda" and "SKODA " all read "skoda"; "Mercedes-Benz" reads "mercedesbenz". */
function key(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

// What people type at the roadside for a make, besides its name.
const ALIASES: Record<string, string> = {
  vw: 'Volkswagen',
  merc: 'Mercedes-Benz',
  mercedes: 'Mercedes-Benz',
  rangerover: 'Land Rover',
};

const MAKES_BY_KEY = new Map<string, string>([
  ...COMMON_MAKES.map((make): [string, string] => [key(make), make]),
  ...Object.entries(ALIASES),
]);

/** A model, as a suggestion for the form's Model field. */
export interface ModelSuggestion {
  value: string;
  /** The make, when the suggestions are not for one make alone. */
  label?: string;
}

const ALL_MODELS: ModelSuggestion[] = COMMON_MAKES.flatMap((make) =>
  MODELS_BY_MAKE[make].map((model) => ({ value: model, label: make })),
);

const MODELS_OF_MAKE = new Map<string, ModelSuggestion[]>(
  COMMON_MAKES.map((make) => [make, MODELS_BY_MAKE[make].map((model) => ({ value: model }))]),
);

/** The models of the make typed, or of every make when it is blank or not one we know. */
export function modelSuggestions(make: string): ModelSuggestion[] {
  const known = MAKES_BY_KEY.get(key(make));
  return (known && MODELS_OF_MAKE.get(known)) || ALL_MODELS;
}
