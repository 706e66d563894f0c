/**
 * Small reference lists of the sample generator (French names, industries, regions, products,
 * events). They are turned into SQL list literals or VALUES; every row is then built in DuckDB.
 */

export const FIRST_NAMES = [
  'Jean', 'Marie', 'Pierre', 'Nathalie', 'Philippe', 'Isabelle', 'Michel', 'Sylvie', 'Alain', 'Catherine',
  'Nicolas', 'Sandrine', 'Christophe', 'Valérie', 'Stéphane', 'Céline', 'Laurent', 'Sophie', 'Frédéric', 'Aurélie',
  'Julien', 'Camille', 'Thomas', 'Émilie', 'Sébastien', 'Julie', 'Olivier', 'Caroline', 'David', 'Claire',
  'Éric', 'Laure', 'Antoine', 'Manon', 'Maxime', 'Léa', 'Guillaume', 'Chloé', 'Romain', 'Pauline',
  'Mathieu', 'Élodie', 'Vincent', 'Anne', 'Benoît', 'Hélène', 'François', 'Agnès', 'Hugo', 'Inès',
  'Lucas', 'Emma', 'Louis', 'Sarah', 'Arnaud', 'Marion', 'Damien', 'Charlotte', 'Yann', 'Mélanie',
  'Fabrice', 'Karine', 'Jérôme', 'Virginie', 'Cédric', 'Audrey', 'Grégory', 'Delphine', 'Thierry', 'Florence',
  'Patrick', 'Christine', 'Bruno', 'Véronique', 'Xavier', 'Corinne', 'Didier', 'Martine', 'Alexandre', 'Margaux',
  'Quentin', 'Océane', 'Adrien', 'Lucie', 'Baptiste', 'Justine', 'Kévin', 'Anaïs', 'Jonathan', 'Marine',
  'Rémi', 'Amandine', 'Samuel', 'Estelle', 'Loïc', 'Gaëlle', 'Mehdi', 'Yasmine', 'Karim', 'Nadia',
  'Gilles', 'Brigitte',
] as const;

export const LAST_NAMES = [
  'Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau',
  'Simon', 'Laurent', 'Lefebvre', 'Michel', 'Garcia', 'David', 'Bertrand', 'Roux', 'Vincent', 'Fournier',
  'Morel', 'Girard', 'André', 'Lefèvre', 'Mercier', 'Dupont', 'Lambert', 'Bonnet', 'François', 'Martinez',
  'Legrand', 'Garnier', 'Faure', 'Rousseau', 'Blanc', 'Guérin', 'Muller', 'Henry', 'Roussel', 'Nicolas',
  'Perrin', 'Morin', 'Mathieu', 'Clément', 'Gauthier', 'Dumont', 'Lopez', 'Fontaine', 'Chevalier', 'Robin',
  'Masson', 'Sanchez', 'Gérard', 'Nguyen', 'Boyer', 'Denis', 'Lemaire', 'Duval', 'Joly', 'Gautier',
  'Roger', 'Roche', 'Roy', 'Noël', 'Meyer', 'Lucas', 'Meunier', 'Jean', 'Perez', 'Marchand',
  'Dufour', 'Blanchard', 'Marie', 'Barbier', 'Brun', 'Dumas', 'Brunet', 'Schmitt', 'Leroux', 'Colin',
  'Fernandez', 'Pierre', 'Renard', 'Arnaud', 'Rolland', 'Caron', 'Aubert', 'Giraud', 'Leclerc', 'Vidal',
  'Bourgeois', 'Renaud', 'Lemoine', 'Picard', 'Gaillard', 'Philippe', 'Leclercq', 'Lacroix', 'Fabre', 'Dupuis',
  'Olivier', 'Rodriguez', 'Da Silva', 'Hubert', 'Louis', 'Charles', 'Guillot', 'Rivière', 'Le Gall', 'Guillaume',
  'Adam', 'Rey', 'Moulin', 'Gonzalez', 'Berger', 'Lecomte', 'Ménard', 'Fleury', 'Deschamps', 'Carpentier',
  'Julien', 'Benoit', 'Paris', 'Maillard', 'Marchal', 'Aubry', 'Vasseur', 'Le Roux', 'Renault', 'Jacquet',
  'Collet', 'Prévost', 'Poirier', 'Charpentier', 'Royer', 'Huet', 'Baron', 'Dupuy', 'Pons', 'Paul',
  'Laine', 'Carré', 'Breton', 'Rémy', 'Schneider', 'Perrot', 'Guyot', 'Barre', 'Marty', 'Cousin',
] as const;

export const COMPANY_WORDS = [
  'Industries', 'Logistique', 'Distribution', 'Conseil', 'Services', 'Bâtiment', 'Transports', 'Technologies',
  'Énergies', 'Santé', 'Immobilier', 'Agroalimentaire', 'Solutions', 'Équipements', 'Systèmes', 'Mécanique',
  'Emballages', 'Informatique', 'Environnement', 'Habitat', 'Négoce', 'Ingénierie', 'Métallurgie', 'Textile',
] as const;

export const LEGAL_FORMS = ['SAS', 'SARL', 'SA', 'SASU', 'SAS', 'SARL', 'et Associés', 'et Fils'] as const;

export const INDUSTRIES = [
  'Industrie manufacturière', 'Commerce de gros', 'Commerce de détail', 'BTP', 'Transport et logistique',
  'Santé et action sociale', 'Services aux entreprises', 'Agroalimentaire', 'Banque et assurance', 'Immobilier',
  'Hôtellerie-restauration', 'Énergie et environnement', 'Éducation et formation', 'Technologies de l\'information',
] as const;

export const JOB_TITLES = [
  'Directeur général', 'Directrice générale', 'Directeur administratif et financier', 'Directrice administrative et financière',
  'Directeur des systèmes d\'information', 'Responsable achats', 'Directeur commercial', 'Responsable des ressources humaines',
  'Chef de projet', 'Responsable logistique', 'Office manager', 'Contrôleur de gestion', 'Responsable comptable',
  'Gérant', 'Responsable informatique', 'Directrice des opérations',
] as const;

export const LOSS_REASONS = [
  'Prix trop élevé', 'Choix d\'un concurrent', 'Projet abandonné', 'Pas de budget cette année',
  'Report du projet', 'Plus de réponse du prospect', 'Fonctionnalités manquantes', 'Statu quo avec la solution actuelle',
] as const;

/** Region groups, one per team family: [team name, [region, weight‰][]]. */
export const REGION_GROUPS: readonly (readonly [string, readonly (readonly [string, number])[]])[] = [
  ['Île-de-France', [['Île-de-France', 700], ['Centre-Val de Loire', 150], ['Normandie', 150]]],
  ['Nord & Est', [['Hauts-de-France', 300], ['Grand Est', 300], ['Bourgogne-Franche-Comté', 150], ['Auvergne-Rhône-Alpes', 250]]],
  ['Sud & Ouest', [
    ['Nouvelle-Aquitaine', 220], ['Occitanie', 220], ['Provence-Alpes-Côte d\'Azur', 220],
    ['Pays de la Loire', 140], ['Bretagne', 140], ['Corse', 60],
  ]],
];

export const MONTHS_FR = [
  'janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre',
] as const;

export const WEBINAR_TOPICS = [
  'Piloter sa trésorerie', 'Digitaliser ses achats', 'Automatiser la paie', 'Réussir son projet ERP',
  'Cybersécurité des PME', 'Facturation électronique 2026', 'Tableaux de bord commerciaux', 'IA et relation client',
  'Reporting RSE', 'Optimiser ses stocks', 'Migrer vers le cloud', 'Sécuriser ses données RH',
] as const;

export const CONTENT_TITLES = [
  'Guide de la facture électronique', 'Baromètre de la transformation numérique des PME', 'ERP et croissance des ETI',
  'Check-list cybersécurité', 'Guide du pilotage commercial', 'La paie en 2026',
] as const;

/**
 * Trade shows and field events, repeated every fiscal year (October to September).
 * [name, month, day, days, target segment, size]. Events targeting `Or` are the expensive ones.
 */
export const EVENTS: readonly (readonly [string, number, number, number, 'Or' | 'Argent' | 'Bronze', number])[] = [
  ['Salon Solutions ERP & CRM', 10, 8, 3, 'Or', 2],
  ['Rencontres DSI Grands Comptes', 11, 14, 2, 'Or', 2],
  ['Matinale PME Nantes', 11, 20, 1, 'Argent', 1],
  ['Matinale PME Strasbourg', 1, 15, 1, 'Argent', 1],
  ['Club Or – dîner des dirigeants (hiver)', 12, 4, 1, 'Or', 1],
  ['Forum des ETI', 1, 23, 1, 'Or', 2],
  ['Salon des Entrepreneurs Paris', 2, 5, 2, 'Bronze', 1],
  ['Club Or – dîner des dirigeants (printemps)', 3, 12, 1, 'Or', 1],
  ['Rencontres PME Toulouse', 3, 19, 1, 'Bronze', 1],
  ['Matinale PME Lyon', 4, 9, 1, 'Argent', 1],
  ['Tournée régionale TPE', 5, 21, 1, 'Bronze', 1],
  ['VivaTech', 6, 11, 4, 'Or', 3],
  ['Salon Tech PME Lille', 6, 25, 1, 'Argent', 1],
  ['Club Or – dîner des dirigeants (été)', 7, 2, 1, 'Or', 1],
  ['Salon Big Data & IA', 9, 16, 2, 'Or', 2],
  ['Journée Argent Bordeaux', 9, 22, 1, 'Argent', 1],
];

/**
 * Components of a won deal, by product line and invoice (Services are invoiced as a 30 % deposit at
 * signature and the balance at delivery). [line, invoice, code, share %, qty low, qty high, margin %, discounted].
 * Quantities are multiplied by the segment's size factor.
 */
export const DEAL_COMPONENTS: readonly (readonly [string, number, string, number, number, number, number, boolean])[] = [
  ['Logiciel', 1, 'LOG-SETUP', 35, 1, 1, 75, true],
  ['Logiciel', 1, 'LOG-PARAM', 45, 2, 12, 72, true],
  ['Logiciel', 1, 'LOG-LIC-MOD', 20, 1, 4, 95, true],
  ['Services', 1, 'SRV-ACOMPTE', 30, 1, 1, 35, false],
  ['Services', 2, 'SRV-INTEG', 40, 3, 40, 33, true],
  ['Services', 2, 'SRV-CONSEIL', 20, 2, 15, 40, true],
  ['Services', 2, 'SRV-PM', 10, 1, 8, 35, true],
  ['Matériel', 1, 'MAT-TERM', 55, 4, 60, 18, true],
  ['Matériel', 1, 'MAT-SRV', 30, 1, 4, 20, true],
  ['Matériel', 1, 'MAT-ACC', 10, 4, 40, 30, true],
  ['Matériel', 1, 'MAT-LIV', 5, 1, 1, 5, false],
  ['Formation', 1, 'FOR-SESSION', 70, 3, 25, 50, true],
  ['Formation', 1, 'FOR-ELEARN', 30, 5, 60, 60, true],
];

export const PRODUCT_LINES = ['Logiciel', 'Services', 'Matériel', 'Formation'] as const;
